import { useState } from 'react';
import { Badge, Button, Group, NativeSelect, Pagination, Table, Text, TextInput } from '@mantine/core';
import { get, type Page } from '../api';
import { ErrorNote, fmtDate, PageTitle, Section, useLoad } from '../ui';

interface Entry {
  id: number;
  at: string;
  event: string;
  username: string | null;
  credentialKind: string | null;
  credentialId: number | null;
  method: string | null;
  path: string | null;
  status: number | null;
  ip: string | null;
  detail: Record<string, unknown> | null;
}

/** The audit log with its filters (GET /api/v1/AuditLog). */
export function AuditPage() {
  const [filters, setFilters] = useState({ event: '', credentialKind: '', status: '', userId: '' });
  const [applied, setApplied] = useState(filters);
  const [page, setPage] = useState(1);
  const log = useLoad(() => get<Page<Entry>>('/api/v1/AuditLog', { ...applied, page, pageSize: 50 }), [applied, page]);
  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <Section title="Entries" description="Every request made with a credential, and every login, token and administrative event, newest first.">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setPage(1);
            setApplied(filters);
          }}
        >
          <Group align="flex-end" mb="sm" wrap="wrap">
            <TextInput
              label="Event"
              placeholder="request, login.failed…"
              value={filters.event}
              onChange={(e) => setFilters({ ...filters, event: e.currentTarget.value })}
              w={180}
            />
            <NativeSelect
              label="Credential"
              value={filters.credentialKind}
              onChange={(e) => setFilters({ ...filters, credentialKind: e.currentTarget.value })}
              data={[{ value: '', label: 'any' }, 'password', 'token', 'apikey', 'session', 'oauth']}
            />
            <TextInput
              label="Status"
              inputMode="numeric"
              value={filters.status}
              onChange={(e) => setFilters({ ...filters, status: e.currentTarget.value })}
              w={90}
            />
            <TextInput
              label="User id"
              inputMode="numeric"
              value={filters.userId}
              onChange={(e) => setFilters({ ...filters, userId: e.currentTarget.value })}
              w={90}
            />
            <Button type="submit">Filter</Button>
          </Group>
        </form>
        <ErrorNote error={log.error} />
        <div className="qm-table-wrap">
          <Table striped aria-label="Audit log" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Event</Table.Th>
                <Table.Th>User</Table.Th>
                <Table.Th>Credential</Table.Th>
                <Table.Th>Request</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Address</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {log.data?.value.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>{fmtDate(e.at)}</Table.Td>
                  <Table.Td>{e.event}</Table.Td>
                  <Table.Td>{e.username ?? '—'}</Table.Td>
                  <Table.Td>{e.credentialKind ? `${e.credentialKind}${e.credentialId ? ` #${e.credentialId}` : ''}` : '—'}</Table.Td>
                  <Table.Td>
                    <Text size="xs" className="qm-secret" lineClamp={1} maw={320}>
                      {e.method ? `${e.method} ${e.path}` : e.detail ? JSON.stringify(e.detail) : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {e.status ? (
                      <Badge color={e.status >= 400 ? 'red' : 'green'} variant="light">
                        {e.status}
                      </Badge>
                    ) : (
                      ''
                    )}
                  </Table.Td>
                  <Table.Td>{e.ip ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
        {log.data && log.data.pageCount > 1 && <Pagination mt="sm" total={log.data.pageCount} value={page} onChange={setPage} />}
      </Section>
    </>
  );
}
