import { useState } from 'react';
import { Badge, Button, Group, NativeSelect, Table } from '@mantine/core';
import { get, post, type Page } from '../api';
import { useSession } from '../session';
import { attempt, ErrorNote, fmtDate, PageTitle, Section, useLoad, Why } from '../ui';
import { writeBlocked } from './Items';

interface Order {
  orderID: number;
  customerID: number | null;
  wID: number;
  status: string;
  reference: string | null;
  created: string;
  lines: { partNo: number; units: string }[];
}

const COLORS: Record<string, string> = { draft: 'gray', confirmed: 'blue', shipped: 'green', cancelled: 'red' };

/** Sales orders: confirm (reserves stock), ship (issues it), cancel (releases it). */
export function OrdersPage() {
  const { can, me } = useSession();
  const [status, setStatus] = useState('');
  const orders = useLoad(() => get<Page<Order>>('/api/v1/SalesOrder', { status, pageSize: 100 }), [status]);
  const blocked = writeBlocked(can, me?.readOnly ?? false, 'order', 'change');
  const act = (o: Order, verb: 'Confirm' | 'Ship' | 'Cancel') =>
    void attempt(() => post(`/api/v1/SalesOrder/${o.orderID}/${verb}`), `Order ${o.orderID}: ${verb.toLowerCase()} done.`).then(orders.reload);
  return (
    <>
      <PageTitle>Sales orders</PageTitle>
      <Section title="Orders">
        <NativeSelect
          label="Status"
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value)}
          data={[{ value: '', label: 'any' }, 'draft', 'confirmed', 'shipped', 'cancelled']}
          maw={200}
          mb="sm"
        />
        <ErrorNote error={orders.error} />
        <div className="qm-table-wrap">
          <Table striped aria-label="Sales orders">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Order</Table.Th>
                <Table.Th>Reference</Table.Th>
                <Table.Th>Warehouse</Table.Th>
                <Table.Th>Lines</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {orders.data?.value.map((o) => (
                <Table.Tr key={o.orderID}>
                  <Table.Td>#{o.orderID}</Table.Td>
                  <Table.Td>{o.reference ?? '—'}</Table.Td>
                  <Table.Td>#{o.wID}</Table.Td>
                  <Table.Td>{o.lines.length}</Table.Td>
                  <Table.Td>{fmtDate(o.created)}</Table.Td>
                  <Table.Td>
                    <Badge color={COLORS[o.status] ?? 'gray'} variant="light">
                      {o.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Why reason={blocked}>
                      <Group gap={4} wrap="nowrap">
                        {o.status === 'draft' && (
                          <Button size="xs" disabled={blocked !== null} onClick={() => act(o, 'Confirm')}>
                            Confirm
                          </Button>
                        )}
                        {o.status === 'confirmed' && (
                          <Button size="xs" disabled={blocked !== null} onClick={() => act(o, 'Ship')}>
                            Ship
                          </Button>
                        )}
                        {(o.status === 'draft' || o.status === 'confirmed') && (
                          <Button size="xs" variant="light" color="red" disabled={blocked !== null} onClick={() => act(o, 'Cancel')}>
                            Cancel
                          </Button>
                        )}
                      </Group>
                    </Why>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      </Section>
    </>
  );
}
