import { useState } from 'react';
import { Anchor, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { notifications } from '@mantine/notifications';
import { del, get, post } from '../api';
import { useSession } from '../session';
import { attempt, ConfirmDialog, fmtDate, ListTable, PageTitle, Section, ShownOnce, SmallDanger, useLoad, Why } from '../ui';
import type { AppView } from './Apps';

interface Application extends AppView {
  account_id: number | null;
  owner: { id: number; username: string } | null;
  integration_user: { id: number; username: string } | null;
  last_used: string | null;
}

type Pending = { app: Application; action: 'revoke' | 'delete' };

/** Superusers: every OAuth application they manage (the account's apps and the instance-wide clients), as /o/applications/ lists them. */
export function AllAppsPage() {
  const { can } = useSession();
  const apps = useLoad(() => get<Application[]>('/api/v1/Application'));
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const mayChange = can('app', 'change');
  const mayDelete = can('app', 'delete');

  const run = (p: Pending) =>
    void attempt(async () => {
      if (p.action === 'delete') {
        await del(`/api/v1/Application/${p.app.id}`);
        notifications.show({ message: `Application “${p.app.name}” deleted.`, color: 'green' });
      } else {
        const r = await del<{ revoked: number }>(`/api/v1/Application/${p.app.id}/Token`);
        notifications.show({ message: `Revoked ${r.revoked} token${r.revoked === 1 ? '' : 's'} of “${p.app.name}”.`, color: 'green' });
      }
    }).then((ok) => {
      if (ok) setPending(null);
      return apps.reload();
    });

  return (
    <>
      <PageTitle>All applications</PageTitle>
      <Section
        title="Applications"
        description="Every OAuth application you manage as a superuser: this account's apps and the instance-wide clients. Last use counts this account's requests."
      >
        <ListTable
          label="All applications"
          columns={['Name', 'Owner', 'Grants', 'Redirect URIs', 'Created', 'Actions']}
          error={apps.error}
          loading={apps.loading && !apps.data}
          empty={apps.data?.length === 0 ? 'No applications.' : null}
        >
          {apps.data?.map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td>
                <Stack gap={2}>
                  <Group gap={6}>
                    <Text size="sm" fw={600}>
                      {a.name}
                    </Text>
                    {a.disabled && (
                      <Badge color="red" size="sm">
                        disabled
                      </Badge>
                    )}
                  </Group>
                  <Text size="xs" c="dimmed" ff="monospace" miw={180} style={{ wordBreak: 'break-all' }}>
                    {a.client_id}
                  </Text>
                </Stack>
              </Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  {a.account_id === null ? (
                    <Badge color="grape" variant="light">
                      instance-wide
                    </Badge>
                  ) : (
                    <Text size="sm">{a.owner?.username ?? '—'}</Text>
                  )}
                  {a.integration_user && (
                    <Anchor component={Link} to="/admin/integration-users" size="xs" title={a.integration_user.username}>
                      runs as its integration user
                    </Anchor>
                  )}
                </Stack>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{a.grant_types.join(', ')}</Text>
                <Text size="xs" c="dimmed">
                  {a.client_type}
                </Text>
              </Table.Td>
              <Table.Td miw={160}>
                {a.redirect_uris.length
                  ? a.redirect_uris.map((u) => (
                      <Text key={u} size="xs" style={{ wordBreak: 'break-all' }}>
                        {u}
                      </Text>
                    ))
                  : '—'}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{fmtDate(a.created)}</Text>
                <Text size="xs" c="dimmed">
                  last used {a.last_used ? fmtDate(a.last_used) : 'never'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Stack gap={4} align="flex-start">
                  <Why reason={a.client_type === 'public' ? 'A public client has no secret.' : mayChange ? null : 'You may not change apps.'}>
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={`Rotate secret of ${a.name}`}
                      disabled={a.client_type === 'public' || !mayChange}
                      onClick={() =>
                        void attempt(async () => {
                          const r = await post<{ client_secret: string }>(`/api/v1/Application/${a.id}/secret`);
                          setSecret({ name: a.name, value: r.client_secret });
                          await apps.reload();
                        })
                      }
                    >
                      Rotate secret
                    </Button>
                  </Why>
                  <SmallDanger aria-label={`Revoke tokens of ${a.name}`} disabled={!mayDelete} onClick={() => setPending({ app: a, action: 'revoke' })}>
                    Revoke tokens
                  </SmallDanger>
                  <Why reason={a.account_id === null ? 'An instance-wide client serves every account.' : null}>
                    <SmallDanger
                      aria-label={`Delete ${a.name}`}
                      disabled={a.account_id === null || !mayDelete}
                      onClick={() => setPending({ app: a, action: 'delete' })}
                    >
                      Delete
                    </SmallDanger>
                  </Why>
                </Stack>
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      </Section>
      <ShownOnce
        title={`New client secret for “${secret?.name ?? ''}”`}
        note="Copy the client secret now: it is shown only this once. Tokens already issued stay valid until they expire."
        secrets={secret && [{ label: 'Client Secret', value: secret.value }]}
        onClose={() => setSecret(null)}
      />
      <ConfirmDialog
        opened={pending !== null}
        title={pending?.action === 'delete' ? `Delete “${pending.app.name}”?` : `Revoke every token of “${pending?.app.name ?? ''}”?`}
        confirm={pending?.action === 'delete' ? 'Delete' : 'Revoke tokens'}
        onCancel={() => setPending(null)}
        onConfirm={() => pending && run(pending)}
      >
        {pending?.action === 'delete'
          ? 'The application, its integration user and every token it issued go at once.'
          : pending?.app.account_id === null
            ? "Every token it issued to this account's users stops working at once; other accounts keep theirs."
            : 'Every token it issued stops working at once; the application stays and may get new ones.'}
      </ConfirmDialog>
    </>
  );
}
