import { useState } from 'react';
import { ActionIcon, Anchor, Badge, Button, Checkbox, Group, SimpleGrid, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { del, errorText, get, patch, post } from '../api';
import { useSession } from '../session';
import {
  attempt,
  ClientSecretOnce,
  ConfirmDialog,
  ErrorNote,
  fmtDate,
  Loading,
  PageTitle,
  Secret,
  Section,
  ShownOnce,
  useLoad,
  Why,
  FormDialog,
  SmallDanger,
  ListTable,
} from '../ui';

export interface AppView {
  id: number;
  client_id: string;
  name: string;
  client_type: string;
  redirect_uris: string[];
  grant_types: string[];
  scope: string;
  disabled: boolean;
  integration_user_id: number | null;
  created: string;
  secret_rotated: string | null;
}
interface AppToken {
  id: number;
  name: string;
  scope: string;
  created: string;
  last_used: string | null;
  expires: string | null;
}
interface IssuedToken extends AppToken {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

const GRANTS: { value: string; label: string }[] = [
  { value: 'refresh_token', label: 'Refresh token (token manager)' },
  { value: 'authorization_code', label: 'Authorization code + PKCE (needs a redirect URI)' },
  { value: 'client_credentials', label: 'Client credentials (acts as its own integration user)' },
];

/** "My Apps" (seed 002): name an app and press "+". */
export function AppsPage() {
  const { can } = useSession();
  const apps = useLoad(() => get<AppView[]>('/api/v1/App'));
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigate();
  const mayAdd = can('app', 'add');
  return (
    <>
      <PageTitle>My apps</PageTitle>
      <Stack gap="lg">
        <Section
          title="New app"
          description="Make an app for every project or agency you give access to. You can delete an app any time; their number is not limited."
        >
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              setError(null);
              try {
                const created = await post<AppView & { client_secret: string | null }>('/api/v1/App', { name, grant_types: ['refresh_token'] });
                void navigate(`/apps/${created.id}`, { state: { secret: created.client_secret } });
              } catch (err) {
                setError(errorText(err));
              }
            }}
          >
            <Group align="flex-end">
              <TextInput
                label="App name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                required
                maxLength={200}
                disabled={!mayAdd}
                style={{ flex: 1, maxWidth: 420 }}
              />
              <Why reason={mayAdd ? null : 'You may not create apps.'}>
                <ActionIcon type="submit" size={36} aria-label="Create app" disabled={!mayAdd} variant="filled">
                  +
                </ActionIcon>
              </Why>
            </Group>
            <ErrorNote error={error} />
          </form>
        </Section>
        <Section title="Apps">
          <ListTable
            label="Apps"
            columns={['Name', 'Client ID', 'Grants', 'Created', 'State']}
            error={apps.error}
            loading={apps.loading && !apps.data}
            empty={apps.data?.length === 0 ? 'No apps yet.' : null}
          >
            {apps.data?.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/apps/${a.id}`}>
                    {a.name}
                  </Anchor>
                </Table.Td>
                <Table.Td className="qm-secret">{a.client_id}</Table.Td>
                <Table.Td>{a.grant_types.join(', ')}</Table.Td>
                <Table.Td>{fmtDate(a.created)}</Table.Td>
                <Table.Td>{a.disabled ? <Badge color="red">disabled</Badge> : <Badge color="green">active</Badge>}</Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
        </Section>
      </Stack>
    </>
  );
}

/** One app: client ID and secret, grants and redirect URIs, the token manager, delete. */
export function AppDetailPage() {
  const id = Number(useParams().id);
  const location = useLocation();
  const navigate = useNavigate();
  const { can } = useSession();
  const app = useLoad(() => get<AppView>(`/api/v1/App/${id}`), [id]);
  const tokens = useLoad(() => get<AppToken[]>(`/api/v1/App/${id}/Token`), [id]);
  const [secret, setSecret] = useState<string | null>((location.state as { secret?: string | null } | null)?.secret ?? null);
  const [generate, setGenerate] = useState(false);
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const a = app.data;
  if (app.error) return <ErrorNote error={app.error} />;
  if (!a) return <Loading />;
  const mayChange = can('app', 'change');
  const mayAdd = can('app', 'add');
  const mayDelete = can('app', 'delete');
  return (
    <>
      <PageTitle
        right={
          <Why reason={mayDelete ? null : 'You may not delete apps.'}>
            <Button color="red" variant="light" onClick={() => setConfirmDelete(true)} disabled={!mayDelete}>
              Delete app
            </Button>
          </Why>
        }
      >
        {a.name} {a.disabled && <Badge color="red">disabled</Badge>}
      </PageTitle>
      <Stack gap="lg">
        <Section title="Credentials">
          <Stack gap="sm">
            <Secret label="Client ID" value={a.client_id} />
            {secret ? (
              <ClientSecretOnce secret={secret} />
            ) : (
              <Text size="sm" c="dimmed">
                {a.client_type === 'public'
                  ? 'A public client has no secret.'
                  : `The client secret was shown once when it was made${a.secret_rotated ? ` (last rotated ${fmtDate(a.secret_rotated)})` : ''}.`}
              </Text>
            )}
            {a.client_type !== 'public' && (
              <Group>
                <Why reason={mayChange ? null : 'You may not change apps.'}>
                  <Button
                    variant="default"
                    disabled={!mayChange}
                    onClick={() =>
                      void attempt(async () => {
                        const r = await post<{ client_secret: string }>(`/api/v1/App/${id}/secret`);
                        setSecret(r.client_secret);
                        await app.reload();
                      }, 'New client secret made; tokens already issued stay valid.')
                    }
                  >
                    Rotate secret
                  </Button>
                </Why>
              </Group>
            )}
          </Stack>
        </Section>
        <Section
          title="Tokens"
          description="Each token has its own scopes. The access token is valid for 24 hours; use the refresh token to get a new one."
          right={
            <Why reason={mayAdd ? null : 'You may not create app tokens.'}>
              <Button onClick={() => setGenerate(true)} disabled={!mayAdd || a.disabled}>
                Generate token
              </Button>
            </Why>
          }
        >
          <ListTable
            label="App tokens"
            columns={['Name', 'Scopes', 'Created', 'Last used', 'Refresh until', '']}
            error={tokens.error}
            loading={tokens.loading && !tokens.data}
            empty={tokens.data?.length === 0 ? 'No tokens yet: generate one to finish setting up the app.' : null}
          >
            {tokens.data?.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>{t.name}</Table.Td>
                <Table.Td>
                  <Text size="xs">{t.scope}</Text>
                </Table.Td>
                <Table.Td>{fmtDate(t.created)}</Table.Td>
                <Table.Td>{fmtDate(t.last_used)}</Table.Td>
                <Table.Td>{fmtDate(t.expires)}</Table.Td>
                <Table.Td>
                  <SmallDanger
                    disabled={!mayDelete}
                    aria-label={`Revoke token ${t.name}`}
                    onClick={() => void attempt(() => del(`/api/v1/App/${id}/Token/${t.id}`), 'Token revoked.').then(tokens.reload)}
                  >
                    Revoke
                  </SmallDanger>
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
        </Section>
        <AppSettings app={a} disabled={!mayChange} onSaved={app.reload} />
      </Stack>
      <GenerateToken
        appId={id}
        opened={generate}
        onClose={() => setGenerate(false)}
        onIssued={(t) => {
          setGenerate(false);
          setIssued(t);
          void tokens.reload();
        }}
      />
      <ShownOnce
        title={`Token “${issued?.name ?? ''}”`}
        note={`Copy these now: they are not shown again. Use the access token as Authorization: Bearer …; it is valid for ${Math.round((issued?.expires_in ?? 0) / 3600)} hours.`}
        secrets={
          issued && [
            { label: 'Access Token', value: issued.access_token },
            { label: 'Refresh Token', value: issued.refresh_token },
          ]
        }
        onClose={() => setIssued(null)}
      >
        <Text size="sm">Scopes: {issued?.scope}</Text>
      </ShownOnce>
      <ConfirmDialog
        opened={confirmDelete}
        title={`Delete “${a.name}”?`}
        confirm="Delete"
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() => void attempt(() => del(`/api/v1/App/${id}`), 'App deleted.').then((ok) => ok && navigate('/apps'))}
      >
        Every token it issued stops working at once.
      </ConfirmDialog>
    </>
  );
}

function GenerateToken({ appId, opened, onClose, onIssued }: { appId: number; opened: boolean; onClose: () => void; onIssued: (t: IssuedToken) => void }) {
  const scopes = useLoad(() => get<{ scope: string; description: string }[]>('/api/user/scopes/'));
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const offered = (scopes.data ?? []).filter((s) => s.scope.includes(':'));
  return (
    <FormDialog
      opened={opened}
      title="Generate token"
      size="lg"
      onClose={onClose}
      submit={<Button type="submit">Generate</Button>}
      onSubmit={async () => {
        if (!chosen.length) throw new Error('Choose at least one scope.');
        onIssued(await post<IssuedToken>(`/api/v1/App/${appId}/Token`, { name, scope: chosen.join(' ') }));
        setName('');
        setChosen([]);
      }}
    >
      <TextInput label="Token name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} data-autofocus />
      <Checkbox.Group label="Scopes" description="What the token may do: chosen from what you may do yourself." value={chosen} onChange={setChosen}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing={6}>
          {offered.map((s) => (
            <Checkbox key={s.scope} value={s.scope} label={s.description} description={s.scope} />
          ))}
        </SimpleGrid>
      </Checkbox.Group>
    </FormDialog>
  );
}

function AppSettings({ app, disabled, onSaved }: { app: AppView; disabled: boolean; onSaved: () => Promise<void> }) {
  const [grants, setGrants] = useState<string[]>(app.grant_types);
  const [uris, setUris] = useState(app.redirect_uris.join('\n'));
  const [error, setError] = useState<string | null>(null);
  return (
    <Section title="Settings" description="Grant types and redirect URIs (exact match; https, or http on loopback).">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await patch(`/api/v1/App/${app.id}`, { grant_types: grants, redirect_uris: uris.split(/\s+/).filter(Boolean) });
            await attempt(onSaved, 'Saved.');
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Stack>
          <Checkbox.Group label="Grant types" value={grants} onChange={setGrants}>
            <Stack gap={6} mt="xs">
              {GRANTS.map((g) => (
                <Checkbox key={g.value} value={g.value} label={g.label} disabled={disabled} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Textarea
            label="Redirect URIs"
            description="One per line."
            value={uris}
            onChange={(e) => setUris(e.currentTarget.value)}
            autosize
            minRows={2}
            disabled={disabled}
          />
          <ErrorNote error={error} />
          <Group>
            <Button type="submit" disabled={disabled}>
              Save settings
            </Button>
            <Button
              variant="default"
              disabled={disabled}
              onClick={() =>
                void attempt(() => patch(`/api/v1/App/${app.id}`, { disabled: !app.disabled }), app.disabled ? 'App enabled.' : 'App disabled.').then(onSaved)
              }
            >
              {app.disabled ? 'Enable app' : 'Disable app'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
