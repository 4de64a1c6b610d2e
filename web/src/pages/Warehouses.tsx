import { useState } from 'react';
import { Badge, Button, Group, Modal, NativeSelect, SimpleGrid, Stack, Switch, Table, Text, Textarea, TextInput } from '@mantine/core';
import { del, errorText, get, patch, post, type Page } from '../api';
import { DeleteButton, useBlocked, type Warehouse } from '../inventory';
import { useSession } from '../session';
import { attempt, ErrorNote, PageTitle, Section, useLoad, Why } from '../ui';

interface Bin {
  binID: number;
  wID: number;
  spot: string;
  description: string;
}

/** Warehouses (the user's own, as the API lists them) and their bins. */
export function WarehousesPage() {
  const { me } = useSession();
  const blockedFor = useBlocked();
  const [q, setQ] = useState('');
  const [active, setActive] = useState('');
  const [editing, setEditing] = useState<Warehouse | 'new' | null>(null);
  const [bins, setBins] = useState<Warehouse | null>(null);
  const list = useLoad(() => get<Page<Warehouse>>('/api/v1/Warehouse', { q, active: active || undefined, pageSize: 200, sort: 'code' }), [q, active]);
  // The API lets only users with every warehouse create one.
  const addBlocked = blockedFor('warehouse', 'add') ?? (me?.warehouses ? 'Users limited to some warehouses cannot create warehouses.' : null);
  return (
    <>
      <PageTitle
        right={
          <Why reason={addBlocked}>
            <Button onClick={() => setEditing('new')} disabled={addBlocked !== null}>
              New warehouse
            </Button>
          </Why>
        }
      >
        Warehouses
      </PageTitle>
      <Stack gap="lg">
        <Section title="Warehouses" description={list.data ? `${list.data.totalCount} warehouses` : undefined}>
          <Group align="flex-end" mb="sm" wrap="wrap">
            <TextInput label="Search warehouses" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={280} />
            <NativeSelect
              label="State"
              value={active}
              onChange={(e) => setActive(e.currentTarget.value)}
              data={[
                { value: '', label: 'any' },
                { value: 'true', label: 'active' },
                { value: 'false', label: 'inactive' },
              ]}
              w={140}
            />
          </Group>
          <ErrorNote error={list.error} />
          <div className="qm-table-wrap">
            <Table striped aria-label="Warehouses">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Code</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Address</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data?.value.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Text size="sm" c="dimmed">
                        No warehouses.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {list.data?.value.map((w) => {
                  const changeBlocked = blockedFor('warehouse', 'change', w.wID);
                  return (
                    <Table.Tr key={w.wID}>
                      <Table.Td className="qm-secret">{w.code}</Table.Td>
                      <Table.Td>{w.name}</Table.Td>
                      <Table.Td>{w.address ?? '—'}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={w.active ? 'green' : 'gray'}>
                          {w.active ? 'active' : 'inactive'}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          <Button size="xs" variant="default" onClick={() => setBins(w)} aria-label={`Bins of ${w.code}`}>
                            Bins
                          </Button>
                          <Why reason={changeBlocked}>
                            <Button size="xs" variant="light" disabled={changeBlocked !== null} onClick={() => setEditing(w)} aria-label={`Edit ${w.code}`}>
                              Edit
                            </Button>
                          </Why>
                          <DeleteButton
                            what={w.code}
                            blocked={blockedFor('warehouse', 'delete', w.wID)}
                            onDelete={async () => {
                              await del(`/api/v1/Warehouse/${w.wID}`);
                              if (bins?.wID === w.wID) setBins(null);
                              await attempt(list.reload, `Warehouse ${w.code} deleted.`);
                            }}
                          />
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </div>
        </Section>
        {bins && <Bins key={bins.wID} warehouse={bins} blocked={blockedFor('warehouse', 'change', bins.wID)} />}
      </Stack>
      {editing && (
        <WarehouseForm
          warehouse={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void list.reload();
          }}
        />
      )}
    </>
  );
}

function Bins({ warehouse, blocked }: { warehouse: Warehouse; blocked: string | null }) {
  const bins = useLoad(() => get<Bin[]>(`/api/v1/Warehouse/${warehouse.wID}/Bin`), [warehouse.wID]);
  const [spot, setSpot] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Section title={`Bins of ${warehouse.code}`} description="Named spots in the warehouse; receiving and moving stock offer them.">
      <ErrorNote error={bins.error} />
      <div className="qm-table-wrap">
        <Table striped aria-label={`Bins of ${warehouse.code}`}>
          <Table.Tbody>
            {bins.data?.length === 0 && (
              <Table.Tr>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    No bins yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {bins.data?.map((b) => (
              <Table.Tr key={b.binID}>
                <Table.Td className="qm-secret">{b.spot}</Table.Td>
                <Table.Td>{b.description}</Table.Td>
                <Table.Td ta="right">
                  <DeleteButton
                    what={`bin ${b.spot}`}
                    blocked={blocked}
                    onDelete={async () => {
                      await del(`/api/v1/Warehouse/${warehouse.wID}/Bin/${b.binID}`);
                      await bins.reload();
                    }}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await post(`/api/v1/Warehouse/${warehouse.wID}/Bin`, { spot: spot.trim(), ...(description.trim() ? { description: description.trim() } : {}) });
            setSpot('');
            setDescription('');
            await bins.reload();
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Group align="flex-end" mt="sm" wrap="wrap">
          <TextInput
            label="New bin"
            value={spot}
            onChange={(e) => setSpot(e.currentTarget.value)}
            required
            maxLength={64}
            w={140}
            disabled={blocked !== null}
          />
          <TextInput
            label="Bin description"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            maxLength={500}
            w={260}
            disabled={blocked !== null}
          />
          <Why reason={blocked}>
            <Button type="submit" disabled={blocked !== null}>
              Add bin
            </Button>
          </Why>
        </Group>
        <ErrorNote error={error} />
      </form>
    </Section>
  );
}

function WarehouseForm({ warehouse, onClose, onSaved }: { warehouse: Warehouse | null; onClose: () => void; onSaved: () => void }) {
  const [f, setF] = useState({
    code: warehouse?.code ?? '',
    name: warehouse?.name ?? '',
    address: warehouse?.address ?? '',
    active: warehouse?.active ?? true,
  });
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal opened onClose={onClose} title={warehouse ? `Edit ${warehouse.code}` : 'New warehouse'}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          const body = { code: f.code.trim(), name: f.name.trim(), address: f.address.trim() || null, active: f.active };
          try {
            if (warehouse) await patch(`/api/v1/Warehouse/${warehouse.wID}`, body);
            else await post('/api/v1/Warehouse', body);
            onSaved();
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Code" value={f.code} onChange={(e) => setF({ ...f, code: e.currentTarget.value })} required maxLength={32} data-autofocus />
            <TextInput label="Name" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} required maxLength={200} />
          </SimpleGrid>
          <Textarea label="Address" value={f.address} onChange={(e) => setF({ ...f, address: e.currentTarget.value })} autosize minRows={2} maxLength={1000} />
          <Switch label="Active" checked={f.active} onChange={(e) => setF({ ...f, active: e.currentTarget.checked })} />
          <ErrorNote error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Save warehouse</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
