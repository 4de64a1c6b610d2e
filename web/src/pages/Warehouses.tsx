import { useState } from 'react';
import { Badge, Button, Group, SimpleGrid, Stack, Switch, Table, Textarea, TextInput } from '@mantine/core';
import { del, errorText, get, patch, post, type Page } from '../api';
import { ActiveFilter, DeleteButton, FilterBar, TitleWithNew, RowActions, useBlocked, type Warehouse } from '../inventory';
import { useSession } from '../session';
import { attempt, EmptyRow, ErrorNote, FormDialog, ListTable, Section, useLoad, Why } from '../ui';

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
      <TitleWithNew create="New warehouse" blocked={addBlocked} onCreate={() => setEditing('new')}>
        Warehouses
      </TitleWithNew>
      <Stack gap="lg">
        <Section title="Warehouses" description={list.data ? `${list.data.totalCount} warehouses` : undefined}>
          <FilterBar>
            <TextInput label="Search warehouses" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={280} />
            <ActiveFilter value={active} onChange={setActive} />
          </FilterBar>
          <ListTable
            label="Warehouses"
            columns={['Code', 'Name', 'Address', 'State', '']}
            error={list.error}
            loading={list.loading && !list.data}
            empty={list.data?.value.length === 0 ? 'No warehouses.' : null}
          >
            {list.data?.value.map((w) => (
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
                  <RowActions
                    what={w.code}
                    changeBlocked={blockedFor('warehouse', 'change', w.wID)}
                    deleteBlocked={blockedFor('warehouse', 'delete', w.wID)}
                    onEdit={() => setEditing(w)}
                    onDelete={async () => {
                      await del(`/api/v1/Warehouse/${w.wID}`);
                      if (bins?.wID === w.wID) setBins(null);
                      await attempt(list.reload, `Warehouse ${w.code} deleted.`);
                    }}
                  >
                    <Button size="xs" variant="default" onClick={() => setBins(w)} aria-label={`Bins of ${w.code}`}>
                      Bins
                    </Button>
                  </RowActions>
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
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
            {bins.data?.length === 0 && <EmptyRow cols={1}>No bins yet.</EmptyRow>}
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
  return (
    <FormDialog
      title={warehouse ? `Edit ${warehouse.code}` : 'New warehouse'}
      onClose={onClose}
      submit={<Button type="submit">Save warehouse</Button>}
      onSubmit={async () => {
        const body = { code: f.code.trim(), name: f.name.trim(), address: f.address.trim() || null, active: f.active };
        if (warehouse) await patch(`/api/v1/Warehouse/${warehouse.wID}`, body);
        else await post('/api/v1/Warehouse', body);
        onSaved();
      }}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Code" value={f.code} onChange={(e) => setF({ ...f, code: e.currentTarget.value })} required maxLength={32} data-autofocus />
        <TextInput label="Name" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} required maxLength={200} />
      </SimpleGrid>
      <Textarea label="Address" value={f.address} onChange={(e) => setF({ ...f, address: e.currentTarget.value })} autosize minRows={2} maxLength={1000} />
      <Switch label="Active" checked={f.active} onChange={(e) => setF({ ...f, active: e.currentTarget.checked })} />
    </FormDialog>
  );
}
