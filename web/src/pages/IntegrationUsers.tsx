import { useState } from 'react';
import { Anchor, Button, Modal, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { get, type Page } from '../api';
import { useSession } from '../session';
import { fmtDate, ListTable, PageTitle, Section, useLoad, Why } from '../ui';
import type { AppView } from './Apps';
import { AccessForm, useGroupsAndWarehouses, UserState, type UserRow } from './Users';

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
        <ListTable
          label="Integration users"
          columns={['App', 'User', 'Groups', 'Warehouses', 'State', 'Created', '']}
          error={users.error ?? apps.error}
          loading={users.loading && !users.data}
          empty={users.data?.value.length === 0 ? 'No integration users: they come with apps that use client credentials.' : null}
        >
          {users.data?.value.map((u) => {
            const app = appOf.get(u.id);
            return (
              <Table.Tr key={u.id}>
                <Table.Td>
                  {app ? (
                    <Anchor component={Link} to={`/apps/${app.id}`} style={{ whiteSpace: 'nowrap' }}>
                      {app.name}
                    </Anchor>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/admin/users/${u.id}`} size="xs" className="qm-secret" style={{ wordBreak: 'break-all' }}>
                    {u.username}
                  </Anchor>
                </Table.Td>
                <Table.Td>{u.groups.map((g) => g.name).join(', ') || 'none'}</Table.Td>
                <Table.Td>{u.warehouseIds.length ? u.warehouseIds.map((w) => warehouse.get(w) ?? `#${w}`).join(', ') : 'all'}</Table.Td>
                <Table.Td miw={100}>
                  <UserState user={u} />
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
        </ListTable>
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
