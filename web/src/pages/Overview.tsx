import '@mantine/charts/styles.css';
import { AreaChart, BarChart } from '@mantine/charts';
import { Badge, Button, Group, SegmentedControl, SimpleGrid, Table, Text } from '@mantine/core';
import { get } from '../api';
import { ErrorNote, fmtDate, Loading, PageTitle, Section, useLoad } from '../ui';
import { useState } from 'react';

interface Summary {
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  requests: ({ at: string } & Record<string, number | string>)[];
  refusals: ({ at: string } & Record<string, number | string>)[];
  busiestCredentials: { kind: string; id: number | null; userId: number | null; username: string | null; requests: number }[];
  busiestApps: { clientId: string; name: string | null; requests: number }[];
  expiringSoon: { kind: string; id: number; name: string; username: string; app: string | null; expires: string }[];
  unused: { kind: string; id: number; name: string; username: string; created: string; lastUsed: string | null }[];
}

const KINDS = [
  { name: 'password', label: 'Password', color: 'harbour.7' },
  { name: 'token', label: 'Personal token', color: 'teal.6' },
  { name: 'apikey', label: 'API key', color: 'orange.6' },
  { name: 'session', label: 'Console / PIN session', color: 'grape.6' },
  { name: 'oauth', label: 'OAuth', color: 'cyan.6' },
];

/** Charts of API use from the audit log (GET /api/v1/AuditLog/Summary). */
export function OverviewPage() {
  const [range, setRange] = useState<'24h' | '30d'>('24h');
  const summary = useLoad(() => get<Summary>('/api/v1/AuditLog/Summary', range === '24h' ? { bucket: 'hour' } : { bucket: 'day' }), [range]);
  const s = summary.data;
  const label = (at: string) =>
    s?.bucket === 'day'
      ? new Date(at).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
      : new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const total = s ? s.requests.reduce((n, r) => n + KINDS.reduce((m, k) => m + Number(r[k.name] ?? 0), 0), 0) : 0;
  const refused = s ? s.refusals.reduce((n, r) => n + Number(r['401'] ?? 0) + Number(r['403'] ?? 0) + Number(r['429'] ?? 0), 0) : 0;
  return (
    <>
      <PageTitle
        right={
          <Group>
            <SegmentedControl
              value={range}
              onChange={(v) => setRange(v)}
              data={[
                { value: '24h', label: 'Last 24 hours' },
                { value: '30d', label: 'Last 30 days' },
              ]}
              aria-label="Range"
            />
            <Button variant="default" onClick={() => void summary.reload()}>
              Refresh
            </Button>
          </Group>
        }
      >
        Overview
      </PageTitle>
      <ErrorNote error={summary.error} />
      {!s ? (
        <Loading />
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Section title="API requests" description={`${total} requests with a credential, by kind of credential.`}>
            <AreaChart
              h={240}
              data={s.requests.map((r) => ({ ...r, at: label(r.at) }))}
              dataKey="at"
              type="stacked"
              series={KINDS}
              withLegend
              withDots={false}
              curveType="monotone"
              aria-label="API requests over time by credential kind"
              data-total={total}
            />
          </Section>
          <Section
            title="Refusals"
            description={`${refused} refused: 401 wrong or missing credentials (failed logins included), 403 not allowed, 429 locked out.`}
          >
            <BarChart
              h={240}
              data={s.refusals.map((r) => ({ ...r, at: label(r.at) }))}
              dataKey="at"
              type="stacked"
              series={[
                { name: '401', color: 'yellow.6' },
                { name: '403', color: 'red.6' },
                { name: '429', color: 'dark.4' },
              ]}
              withLegend
              aria-label="Refusals over time by status"
              data-total={refused}
            />
          </Section>
          <Section title="Busiest credentials">
            <Table aria-label="Busiest credentials">
              <Table.Tbody>
                {s.busiestCredentials.length === 0 && (
                  <Table.Tr>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        No requests in this range.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {s.busiestCredentials.map((c) => (
                  <Table.Tr key={`${c.kind}-${c.id}-${c.userId}`}>
                    <Table.Td>{c.username ?? '—'}</Table.Td>
                    <Table.Td>
                      <Badge variant="light">{KINDS.find((k) => k.name === c.kind)?.label ?? c.kind}</Badge>{' '}
                      {c.id !== null && (
                        <Text span size="xs" c="dimmed">
                          #{c.id}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{c.requests}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Section>
          <Section title="Busiest apps">
            {s.busiestApps.length === 0 ? (
              <Text size="sm" c="dimmed">
                No OAuth app made requests in this range.
              </Text>
            ) : (
              <BarChart
                h={Math.max(120, s.busiestApps.length * 36)}
                data={s.busiestApps.map((a) => ({ app: a.name ?? a.clientId, requests: a.requests }))}
                dataKey="app"
                orientation="vertical"
                series={[{ name: 'requests', color: 'cyan.6' }]}
                yAxisProps={{ width: 140 }}
                aria-label="Busiest apps"
              />
            )}
          </Section>
          <Section title="Expiring within 7 days">
            <CredentialList
              rows={s.expiringSoon.map((e) => ({
                key: `${e.kind}${e.id}`,
                what: e.kind === 'app_token' ? `App token “${e.name}” of ${e.app}` : `Personal token “${e.name}”`,
                who: e.username,
                when: `expires ${fmtDate(e.expires)}`,
              }))}
              empty="Nothing expires soon."
            />
          </Section>
          <Section title="Unused for 90 days" description="Credentials nobody used for three months: candidates for revoking.">
            <CredentialList
              rows={s.unused.map((u) => ({
                key: `${u.kind}${u.id}`,
                what: u.kind === 'apikey' ? `API key ${u.name.slice(0, 14)}…` : `Personal token “${u.name}”`,
                who: u.username,
                when: u.lastUsed ? `last used ${fmtDate(u.lastUsed)}` : `never used (made ${fmtDate(u.created)})`,
              }))}
              empty="Every credential was used recently."
            />
          </Section>
        </SimpleGrid>
      )}
    </>
  );
}

function CredentialList({ rows, empty }: { rows: { key: string; what: string; who: string; when: string }[]; empty: string }) {
  if (!rows.length)
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  return (
    <Table>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.key}>
            <Table.Td>{r.what}</Table.Td>
            <Table.Td>{r.who}</Table.Td>
            <Table.Td>
              <Text size="xs" c="dimmed">
                {r.when}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
