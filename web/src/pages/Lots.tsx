import { useState } from 'react';
import { Badge, Button, NativeSelect, Table, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { get, patch, type Page } from '../api';
import { FilterBar, ItemPicker, itemName, useBlocked, useItems, useWarehouses, warehouseCode, WarehouseSelect } from '../inventory';
import { fmtDate, FormDialog, ListTable, PageTitle, Section, useLoad, Why } from '../ui';

interface Lot {
  recNo: number;
  partNo: number;
  wID: number;
  spot: string;
  serial: string | null;
  units: string;
  reserved: string;
  available: string;
  onHold: boolean;
  remark: string | null;
  received: string;
  updated: string;
}

/** Lots (GET /api/v1/Inventory, or /Inventory/{wID} for one warehouse): put one on hold or release it, with a remark. */
export function LotsPage() {
  const blockedFor = useBlocked();
  const warehouses = useWarehouses();
  const [wID, setWID] = useState<number | null>(null);
  const [partNo, setPartNo] = useState<number | null>(null);
  const [hold, setHold] = useState('');
  const [empty, setEmpty] = useState('false');
  const [holding, setHolding] = useState<Lot | null>(null);
  const lots = useLoad(
    () =>
      get<Page<Lot>>(wID === null ? '/api/v1/Inventory' : `/api/v1/Inventory/${wID}`, {
        partNo,
        onHold: hold || undefined,
        empty: empty || undefined,
        pageSize: 200,
        sort: '-received',
      }),
    [wID, partNo, hold, empty],
  );
  const itemMap = useItems(lots.data?.value.map((l) => l.partNo) ?? []);
  // Why a lot is held: the remark of its latest hold entry in the ledger.
  const heldIds = (lots.data?.value ?? []).filter((l) => l.onHold).map((l) => l.recNo);
  const reasons = useLoad(async () => {
    const out = new Map<number, string | null>();
    if (!heldIds.length) return out;
    const entries = await get<Page<{ recNo: number; remark: string | null }>>('/api/v1/Inventory/Transactions', {
      kind: 'hold',
      wID,
      sort: '-transactionID',
      pageSize: 500,
    });
    for (const e of entries.value) if (!out.has(e.recNo)) out.set(e.recNo, e.remark);
    return out;
  }, [heldIds.join(','), wID]);
  const held = lots.data?.value.filter((l) => l.onHold).length ?? 0;
  return (
    <>
      <PageTitle>Lots</PageTitle>
      <Section
        title="Lots"
        description={
          lots.data
            ? `${lots.data.totalCount} ${lots.data.totalCount === 1 ? 'lot' : 'lots'}${held ? `, ${held} on hold on this page` : ''}. A lot on hold cannot be issued or reserved for an order.`
            : undefined
        }
      >
        <FilterBar>
          <WarehouseSelect label="Warehouse" value={wID} onChange={setWID} warehouses={warehouses.data ?? []} any="All my warehouses" maw={260} />
          <ItemPicker label="Item" value={partNo} onChange={(id) => setPartNo(id)} placeholder="any" activeOnly={false} w={260} />
          <NativeSelect
            label="Hold"
            value={hold}
            onChange={(e) => setHold(e.currentTarget.value)}
            data={[
              { value: '', label: 'any' },
              { value: 'true', label: 'on hold' },
              { value: 'false', label: 'not on hold' },
            ]}
            w={140}
          />
          <NativeSelect
            label="Stock"
            value={empty}
            onChange={(e) => setEmpty(e.currentTarget.value)}
            data={[
              { value: 'false', label: 'with stock' },
              { value: 'true', label: 'emptied' },
              { value: '', label: 'all' },
            ]}
            w={140}
          />
        </FilterBar>
        <ListTable
          label="Lots"
          columns={[
            'Lot',
            'SKU',
            'Warehouse',
            'Bin',
            'Serial',
            { label: 'On hand', right: true },
            { label: 'Reserved', right: true },
            { label: 'Available', right: true },
            'Received',
            'Hold',
            '',
          ]}
          error={lots.error ?? warehouses.error}
          loading={lots.loading && !lots.data}
          empty={lots.data?.value.length === 0 ? 'No lots.' : null}
        >
          {lots.data?.value.map((l) => {
            const blocked = blockedFor('stock', 'change', l.wID);
            const sku = itemName(itemMap, l.partNo);
            return (
              <Table.Tr key={l.recNo} data-on-hold={l.onHold || undefined} bg={l.onHold ? 'var(--mantine-color-orange-light)' : undefined}>
                <Table.Td>#{l.recNo}</Table.Td>
                <Table.Td className="qm-secret">{sku}</Table.Td>
                <Table.Td>{warehouseCode(warehouses.data, l.wID)}</Table.Td>
                <Table.Td className="qm-secret">{l.spot || '—'}</Table.Td>
                <Table.Td>{l.serial ?? '—'}</Table.Td>
                <Table.Td ta="right">{l.units}</Table.Td>
                <Table.Td ta="right">{l.reserved}</Table.Td>
                <Table.Td ta="right">{l.available}</Table.Td>
                <Table.Td>{fmtDate(l.received)}</Table.Td>
                <Table.Td>
                  {l.onHold ? (
                    <>
                      <Badge color="orange" variant="filled">
                        on hold
                      </Badge>
                      {reasons.data?.get(l.recNo) && (
                        <Text size="xs" maw={220}>
                          {reasons.data.get(l.recNo)}
                        </Text>
                      )}
                    </>
                  ) : (
                    <Text size="xs" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Why reason={blocked}>
                    <Button
                      size="xs"
                      variant={l.onHold ? 'filled' : 'light'}
                      color={l.onHold ? 'green' : 'orange'}
                      disabled={blocked !== null}
                      onClick={() => setHolding(l)}
                      aria-label={`${l.onHold ? 'Release' : 'Hold'} lot #${l.recNo}`}
                    >
                      {l.onHold ? 'Release' : 'Hold'}
                    </Button>
                  </Why>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </ListTable>
      </Section>
      {holding && (
        <HoldForm
          lot={holding}
          sku={itemName(itemMap, holding.partNo)}
          onClose={() => setHolding(null)}
          onSaved={() => {
            setHolding(null);
            void lots.reload();
          }}
        />
      )}
    </>
  );
}

function HoldForm({ lot, sku, onClose, onSaved }: { lot: Lot; sku: string; onClose: () => void; onSaved: () => void }) {
  const release = lot.onHold;
  const [remark, setRemark] = useState('');
  const title = `${release ? 'Release' : 'Hold'} lot #${lot.recNo} (${sku})`;
  return (
    <FormDialog
      title={title}
      onClose={onClose}
      close="Close"
      submit={
        <Button type="submit" color={release ? 'green' : 'orange'}>
          {release ? 'Release lot' : 'Put on hold'}
        </Button>
      }
      onSubmit={async () => {
        await patch(`/api/v1/Inventory/Lot/${lot.recNo}`, { onHold: !release, remark: remark.trim() || null });
        notifications.show({ message: release ? `Lot #${lot.recNo} released.` : `Lot #${lot.recNo} is on hold.`, color: 'green' });
        onSaved();
      }}
    >
      <Text size="sm">
        {release
          ? 'Released, the lot can be issued and reserved for orders again.'
          : `While on hold, the ${lot.available} available units of this lot cannot be issued or reserved for orders.`}
      </Text>
      <Textarea
        label="Remark"
        description="Why (kept on the lot)"
        value={remark}
        onChange={(e) => setRemark(e.currentTarget.value)}
        maxLength={1000}
        data-autofocus
      />
    </FormDialog>
  );
}
