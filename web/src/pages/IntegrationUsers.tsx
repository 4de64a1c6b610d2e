import { useState } from 'react';
import { Anchor, Badge, Button, Group, Modal, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { get, type Page } from '../api';
import { useSession } from '../session';
import { EmptyRow, ErrorNote, fmtDate, Loading, PageTitle, Section, useLoad, Why } from '../ui';
import type { AppView } from './Apps';
import { AccessForm, useGroupsAndWarehouses, type UserRow } from './Users';

/**
 * The users client-credentials apps act as (kind 'integration', made with the app): which app, its groups and
 * warehouses, and the same access form as any user's.
 */
export function IntegrationUsersPage() {
  const { can } = useSession();
  const users = useLoad(() => get<Page<UserRow>>('/api/v1/User', { kind: 'integration', pageSize: 500, sort: 'username' }));
  const apps = useLoad(() => (can('app', 'view') ? get<AppView[]>('/api/v1/App') : Promise.resolve([])));
  const refs = useGroupsAndWarehouses();
  const [editing, setEditing] = useState<UserRow | null>(null);
  const appOf = new Map((apps.data ?? []).filter((a) => a.integration_user_id !== null).map((a) => [a.integration_user_id!, a]));
  const warehouse = new Map((refs.data?.warehouses ?? []).map((w) => [w.wID, w.code]));
  const mayChange = can('user', 'change');
  const nameOf = (u: UserRow) => appOf.get(u.id)?.name ?? u.username;
  return (
    <>
      <PageTitle>Integration users</PageTitle>
      <Section
        title="Users of client-credentials apps"
        description="A client-credentials app acts as its own integration user: give it the groups and warehouses it needs, or make it read-only. It has no password or PIN."
      >
        <ErrorNote error={users.error ?? apps.error} />
        {users.loading && !users.data ? (
          <Loading />
        ) : (
          <div className="qm-table-wrap">
            <Table striped highlightOnHover aria-label="Integration users">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>App</Table.Th>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Groups</Table.Th>
                  <Table.Th>Warehouses</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data?.value.length === 0 && <EmptyRow cols={7}>No integration users: they come with apps that use client credentials.</EmptyRow>}
                {users.data?.value.map((u) => {
                  const app = appOf.get(u.id);
                  return (
                    <Table.Tr key={u.id}>
                      <Table.Td>
                        {app ? (
                          <Anchor component={Link} to={`/apps/${app.id}`}>
                            {app.name}
                          </Anchor>
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/admin/users/${u.id}`} size="sm" className="qm-secret">
                          {u.username}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{u.groups.map((g) => g.name).join(', ') || 'none'}</Table.Td>
                      <Table.Td>{u.warehouseIds.length ? u.warehouseIds.map((w) => warehouse.get(w) ?? `#${w}`).join(', ') : 'all'}</Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {u.active ? (
                            <Badge color="green" variant="light">
                              active
                            </Badge>
                          ) : (
                            <Badge color="red">disabled</Badge>
                          )}
                          {u.readOnly && (
                            <Badge color="orange" variant="light">
                              read-only
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>{fmtDate(u.created)}</Table.Td>
                      <Table.Td>
                        <Why reason={mayChange ? null : 'You may not change users.'}>
                          <Button size="xs" variant="default" disabled={!mayChange} aria-label={`Edit access of ${nameOf(u)}`} onClick={() => setEditing(u)}>
                            Edit access
                          </Button>
                        </Why>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </div>
        )}
      </Section>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={`Access of “${editing ? nameOf(editing) : ''}”`} size="lg">
        {editing && (
          <>
            <Text size="sm" c="dimmed" mb="sm">
              {editing.username}: what its app's client-credentials tokens may reach.
            </Text>
            <AccessForm
              key={editing.id}
              user={editing}
              refs={refs.data}
              disabled={!mayChange}
              onSaved={async () => {
                setEditing(null);
                await users.reload();
              }}
            />
          </>
        )}
      </Modal>
    </>
  );
}
