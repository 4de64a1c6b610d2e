import { useState, type ReactNode } from 'react';
import { ActionIcon, Anchor, Badge, Button, Group, NativeSelect, SimpleGrid, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import { get, patch, post, type Page } from '../api';
import {
  CustomerPicker,
  FilterBar,
  ItemPicker,
  TitleWithNew,
  itemName,
  useBlocked,
  useItems,
  useWarehouses,
  warehouseCode,
  WarehouseSelect,
  type Customer,
} from '../inventory';
import { attempt, ErrorNote, fmtDate, FormDialog, ListTable, Loading, PageTitle, Section, useLoad, Why } from '../ui';

interface OrderSummary {
  orderID: number;
  customerID: number | null;
  wID: number;
  status: string;
  reference: string | null;
  remark: string | null;
  created: string;
  updated: string;
}
interface Order extends OrderSummary {
  lines: { lineID: number; partNo: number; units: string; price: string | null; reserved: string }[];
  history: { from: string | null; to: string; userID: number | null; at: string }[];
}

const COLORS: Record<string, string> = { draft: 'gray', confirmed: 'blue', shipped: 'green', cancelled: 'red' };
type Verb = 'Confirm' | 'Ship' | 'Cancel';
const DONE: Record<Verb, string> = { Confirm: 'confirmed (stock reserved)', Ship: 'shipped', Cancel: 'cancelled' };

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={COLORS[status] ?? 'gray'} variant="light">
      {status}
    </Badge>
  );
}

/** The transitions the API offers from a status. */
function verbsFor(status: string): Verb[] {
  if (status === 'draft') return ['Confirm', 'Cancel'];
  if (status === 'confirmed') return ['Ship', 'Cancel'];
  return [];
}

function useCustomerNames(ids: (number | null)[]) {
  const key = [...new Set(ids.filter((i): i is number => i !== null))].sort((a, b) => a - b).join(',');
  return useLoad(async () => {
    if (!key) return new Map<number, string>();
    const rows = await Promise.all(key.split(',').map((id) => get<Customer>(`/api/v1/Customer/${id}`).catch(() => null)));
    return new Map(rows.filter((c): c is Customer => c !== null).map((c) => [c.customerID, c.name]));
  }, [key]);
}

function OrderActions({ order, onDone, size = 'xs' }: { order: OrderSummary; onDone: () => void; size?: 'xs' | 'sm' }) {
  const blocked = useBlocked()('order', 'change', order.wID);
  const act = (verb: Verb) => void attempt(() => post(`/api/v1/SalesOrder/${order.orderID}/${verb}`), `Order #${order.orderID} ${DONE[verb]}.`).then(onDone);
  const verbs = verbsFor(order.status);
  if (!verbs.length) return null;
  return (
    <Why reason={blocked}>
      <Group gap={4} wrap="nowrap">
        {verbs.map((v) => (
          <Button
            key={v}
            size={size}
            variant={v === 'Cancel' ? 'light' : 'filled'}
            color={v === 'Cancel' ? 'red' : undefined}
            disabled={blocked !== null}
            onClick={() => act(v)}
            aria-label={`${v === 'Cancel' ? 'Cancel order' : v} #${order.orderID}`}
          >
            {v === 'Cancel' ? 'Cancel order' : v}
          </Button>
        ))}
      </Group>
    </Why>
  );
}

/** Sales orders: filter by status, customer and warehouse; create one; confirm (reserves stock), ship (issues it), cancel. */
export function OrdersPage() {
  const navigate = useNavigate();
  const blockedFor = useBlocked();
  const [status, setStatus] = useState('');
  const [customer, setCustomer] = useState<number | null>(null);
  const [wID, setWID] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const warehouses = useWarehouses();
  const orders = useLoad(
    () => get<Page<OrderSummary>>('/api/v1/SalesOrder', { status, customerID: customer, wID, pageSize: 100, sort: '-orderID' }),
    [status, customer, wID],
  );
  const names = useCustomerNames(orders.data?.value.map((o) => o.customerID) ?? []);
  const addBlocked = blockedFor('order', 'add');
  return (
    <>
      <TitleWithNew create="New order" blocked={addBlocked} onCreate={() => setCreating(true)}>
        Sales orders
      </TitleWithNew>
      <Section title="Orders" description={orders.data ? `${orders.data.totalCount} orders` : undefined}>
        <FilterBar>
          <NativeSelect
            label="Status"
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value)}
            data={[{ value: '', label: 'any' }, 'draft', 'confirmed', 'shipped', 'cancelled']}
            w={150}
          />
          <CustomerPicker label="Customer" value={customer} onChange={(id) => setCustomer(id)} placeholder="any" w={240} />
          <WarehouseSelect label="Ships from" value={wID} onChange={setWID} warehouses={warehouses.data ?? []} any="All my warehouses" maw={260} />
        </FilterBar>
        <ListTable
          label="Sales orders"
          columns={['Order', 'Reference', 'Customer', 'Ships from', 'Created', 'Status', '']}
          error={orders.error ?? warehouses.error}
          loading={orders.loading && !orders.data}
          empty={orders.data?.value.length === 0 ? 'No orders.' : null}
        >
          {orders.data?.value.map((o) => (
            <Table.Tr key={o.orderID}>
              <Table.Td>
                <Anchor component={Link} to={`/orders/${o.orderID}`} aria-label={`Open order #${o.orderID}`}>
                  #{o.orderID}
                </Anchor>
              </Table.Td>
              <Table.Td>{o.reference ?? '—'}</Table.Td>
              <Table.Td>{o.customerID === null ? '—' : (names.data?.get(o.customerID) ?? `#${o.customerID}`)}</Table.Td>
              <Table.Td>{warehouseCode(warehouses.data, o.wID)}</Table.Td>
              <Table.Td>{fmtDate(o.created)}</Table.Td>
              <Table.Td>
                <StatusBadge status={o.status} />
              </Table.Td>
              <Table.Td>
                <OrderActions order={o} onDone={() => void orders.reload()} />
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      </Section>
      {creating && <OrderForm order={null} onClose={() => setCreating(false)} onSaved={(o) => navigate(`/orders/${o.orderID}`)} />}
    </>
  );
}

interface LineDraft {
  key: number;
  partNo: number | null;
  units: string;
  price: string;
}
let lineKey = 0;
const blankLine = (): LineDraft => ({ key: ++lineKey, partNo: null, units: '1', price: '' });

/** Create a draft order, or change a draft (its lines, when sent, replace all lines). */
function OrderForm({ order, onClose, onSaved }: { order: Order | null; onClose: () => void; onSaved: (o: Order) => void }) {
  const warehouses = useWarehouses();
  const [customerID, setCustomerID] = useState<number | null>(order?.customerID ?? null);
  const [wID, setWID] = useState<number | null>(order?.wID ?? null);
  const [reference, setReference] = useState(order?.reference ?? '');
  const [remark, setRemark] = useState(order?.remark ?? '');
  const [lines, setLines] = useState<LineDraft[]>(
    order?.lines.length ? order.lines.map((l) => ({ key: ++lineKey, partNo: l.partNo, units: l.units, price: l.price ?? '' })) : [blankLine()],
  );
  const [busy, setBusy] = useState(false);
  useItems(lines.map((l) => l.partNo).filter((n): n is number => n !== null));
  const setLine = (key: number, change: Partial<LineDraft>) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...change } : l)));
  return (
    <FormDialog
      title={order ? `Edit order #${order.orderID}` : 'New sales order'}
      size="lg"
      onClose={onClose}
      close="Close"
      submit={
        <Button type="submit" loading={busy}>
          {order ? 'Save order' : 'Create order'}
        </Button>
      }
      onSubmit={async () => {
        if (wID === null) throw new Error('Choose the warehouse the order ships from.');
        if (lines.some((l) => l.partNo === null)) throw new Error('Pick an item on every line (or remove the line).');
        const body = {
          customerID,
          wID,
          reference: reference.trim() || null,
          remark: remark.trim() || null,
          lines: lines.map((l) => ({ partNo: l.partNo!, units: l.units.trim(), ...(l.price.trim() ? { price: l.price.trim() } : {}) })),
        };
        setBusy(true);
        try {
          onSaved(order ? await patch<Order>(`/api/v1/SalesOrder/${order.orderID}`, body) : await post<Order>('/api/v1/SalesOrder', body));
        } finally {
          setBusy(false);
        }
      }}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <CustomerPicker label="Customer" value={customerID} onChange={(id) => setCustomerID(id)} />
        <WarehouseSelect label="Ships from" value={wID} onChange={setWID} warehouses={warehouses.data ?? []} required />
      </SimpleGrid>
      <TextInput label="Reference" value={reference} onChange={(e) => setReference(e.currentTarget.value)} maxLength={200} />
      <Stack gap="xs" role="group" aria-label="Order lines">
        {lines.map((l, i) => (
          <Group key={l.key} align="flex-end" wrap="wrap" gap="xs">
            <ItemPicker label={`Item, line ${i + 1}`} value={l.partNo} onChange={(id) => setLine(l.key, { partNo: id })} required w={280} />
            <TextInput
              label={`Units, line ${i + 1}`}
              inputMode="decimal"
              value={l.units}
              onChange={(e) => setLine(l.key, { units: e.currentTarget.value })}
              required
              w={110}
            />
            <TextInput
              label={`Price, line ${i + 1}`}
              inputMode="decimal"
              placeholder="item's price"
              value={l.price}
              onChange={(e) => setLine(l.key, { price: e.currentTarget.value })}
              w={120}
            />
            <ActionIcon
              variant="subtle"
              color="red"
              size="lg"
              mb={2}
              aria-label={`Remove line ${i + 1}`}
              disabled={lines.length === 1}
              onClick={() => setLines((ls) => ls.filter((x) => x.key !== l.key))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button variant="light" size="xs" onClick={() => setLines((ls) => [...ls, blankLine()])}>
            Add line
          </Button>
        </Group>
      </Stack>
      <Textarea label="Remark" value={remark} onChange={(e) => setRemark(e.currentTarget.value)} autosize minRows={1} maxLength={2000} />
    </FormDialog>
  );
}

/** One order: its lines with what is reserved, its history, and the transitions its status allows. */
export function OrderDetailPage() {
  const id = Number(useParams().id);
  const blockedFor = useBlocked();
  const order = useLoad(() => get<Order>(`/api/v1/SalesOrder/${id}`), [id]);
  const warehouses = useWarehouses();
  const o = order.data;
  const itemMap = useItems(o?.lines.map((l) => l.partNo) ?? []);
  const customer = useLoad(async () => (o?.customerID ? get<Customer>(`/api/v1/Customer/${o.customerID}`).catch(() => null) : null), [o?.customerID]);
  const [editing, setEditing] = useState(false);
  const editBlocked = o ? blockedFor('order', 'change', o.wID) : null;
  return (
    <>
      <PageTitle right={o && <OrderActions order={o} onDone={() => void order.reload()} size="sm" />}>
        Sales order #{id} {o && <StatusBadge status={o.status} />}
      </PageTitle>
      <Anchor component={Link} to="/orders" size="sm">
        ← All sales orders
      </Anchor>
      <ErrorNote error={order.error} />
      {!o ? (
        !order.error && <Loading />
      ) : (
        <Stack gap="lg" mt="sm">
          <Section
            title="Order"
            right={
              o.status === 'draft' && (
                <Why reason={editBlocked}>
                  <Button size="xs" variant="light" disabled={editBlocked !== null} onClick={() => setEditing(true)}>
                    Edit order
                  </Button>
                </Why>
              )
            }
          >
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Field label="Customer">{o.customerID === null ? '—' : (customer.data?.name ?? `#${o.customerID}`)}</Field>
              <Field label="Ships from">{warehouseCode(warehouses.data, o.wID)}</Field>
              <Field label="Reference">{o.reference ?? '—'}</Field>
              <Field label="Created">{fmtDate(o.created)}</Field>
              <Field label="Updated">{fmtDate(o.updated)}</Field>
              <Field label="Remark">{o.remark ?? '—'}</Field>
            </SimpleGrid>
          </Section>
          <Section title="Lines">
            <div className="qm-table-wrap">
              <Table striped aria-label="Order lines">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>SKU</Table.Th>
                    <Table.Th>Description</Table.Th>
                    <Table.Th ta="right">Units</Table.Th>
                    <Table.Th ta="right">Reserved</Table.Th>
                    <Table.Th ta="right">Price</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {o.lines.map((l) => (
                    <Table.Tr key={l.lineID}>
                      <Table.Td className="qm-secret">{itemName(itemMap, l.partNo)}</Table.Td>
                      <Table.Td>{itemMap.get(l.partNo)?.description ?? ''}</Table.Td>
                      <Table.Td ta="right">{l.units}</Table.Td>
                      <Table.Td ta="right">{l.reserved}</Table.Td>
                      <Table.Td ta="right">{l.price ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          </Section>
          <Section title="History">
            <Table aria-label="Order history">
              <Table.Tbody>
                {o.history.map((h, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{fmtDate(h.at)}</Table.Td>
                    <Table.Td>
                      {h.from ? `${h.from} → ` : ''}
                      {h.to}
                    </Table.Td>
                    <Table.Td>{h.userID !== null ? `user #${h.userID}` : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Section>
        </Stack>
      )}
      {editing && o && (
        <OrderForm
          order={o}
          onClose={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            order.setData(saved);
          }}
        />
      )}
    </>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}
