import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { get } from '../api';
import { ErrorNote, Loading, PageTitle, Section, useLoad } from '../ui';

interface Report {
  name: string;
  title: string;
  description: string;
}

/** The reports the user's groups grant; CSV downloads are plain links (the session cookie goes with a GET). */
export function ReportsPage() {
  const reports = useLoad(() => get<Report[]>('/api/v1/Report'));
  return (
    <>
      <PageTitle>Reports</PageTitle>
      <ErrorNote error={reports.error} />
      {reports.loading && !reports.data && <Loading />}
      {reports.data?.length === 0 && <Text>No report is granted to your groups.</Text>}
      <Stack gap="md">
        {reports.data?.map((r) => (
          <Section key={r.name} title={r.title} description={r.description}>
            <Group>
              <Button component="a" href={`/api/v1/Report/${encodeURIComponent(r.name)}?format=csv`} download={`${r.name}.csv`} variant="light">
                Download {r.title} (CSV)
              </Button>
              <Anchor href={`/api/v1/Report/${encodeURIComponent(r.name)}?format=json`} target="_blank" rel="noreferrer" size="sm">
                JSON
              </Anchor>
            </Group>
          </Section>
        ))}
      </Stack>
    </>
  );
}
