import { useState } from 'react';
import { Badge, Button, Group, Modal, NativeSelect, SimpleGrid, Stack, Switch, Table, Text, Textarea, TextInput } from '@mantine/core';
import { del, errorText, get, patch, post, type Page } from '../api';
import { DeleteButton, useBlocked, type Customer } from '../inventory';
import { attempt, ErrorNote, PageTitle, Section, useLoad, Why } from '../ui';

/** Customers: search, create, edit, deactivate, delete (refused while they have orders). */
export function CustomersPage() {
  const blockedFor = useBlocked();
  const [q, setQ] = useState('');
  const [active, setActive] = useState('');
  const [editing, setEditing] = useState<Customer | 'new' | null>(null);
  const list = useLoad(() => get<Page<Customer>>('/api/v1/Customer', { q, active: active || undefined, pageSize: 200, sort: 'name' }), [q, active]);
  const addBlocked = blockedFor('customer', 'add');
  const changeBlocked = blockedFor('customer', 'change');
  const deleteBlocked = blockedFor('customer', 'delete');
  return (
    <>
      <PageTitle
        right={
          <Why reason={addBlocked}>
            <Button onClick={() => setEditing('new')} disabled={addBlocked !== null}>
              New customer
            </Button>
          </Why>
        }
      >
        Customers
      </PageTitle>
      <Section title="Customers" description={list.data ? `${list.data.totalCount} customers` : undefined}>
        <Group align="flex-end" mb="sm" wrap="wrap">
          <TextInput label="Search customers" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={280} />
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
          <Table striped aria-label="Customers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Phone</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.value.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text size="sm" c="dimmed">
                      No customers.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {list.data?.value.map((c) => (
                <Table.Tr key={c.customerID}>
                  <Table.Td>{c.name}</Table.Td>
                  <Table.Td>{c.email ?? '—'}</Table.Td>
                  <Table.Td>{c.phone ?? '—'}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={c.active ? 'green' : 'gray'}>
                      {c.active ? 'active' : 'inactive'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      <Why reason={changeBlocked}>
                        <Button size="xs" variant="light" disabled={changeBlocked !== null} onClick={() => setEditing(c)} aria-label={`Edit ${c.name}`}>
                          Edit
                        </Button>
                      </Why>
                      <DeleteButton
                        what={c.name}
                        blocked={deleteBlocked}
                        onDelete={async () => {
                          await del(`/api/v1/Customer/${c.customerID}`);
                          await attempt(list.reload, `Customer ${c.name} deleted.`);
                        }}
                      />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      </Section>
      {editing && (
        <CustomerForm
          customer={editing === 'new' ? null : editing}
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

function CustomerForm({ customer, onClose, onSaved }: { customer: Customer | null; onClose: () => void; onSaved: () => void }) {
  const [f, setF] = useState({
    name: customer?.name ?? '',
    email: customer?.email ?? '',
    phone: customer?.phone ?? '',
    address: customer?.address ?? '',
    active: customer?.active ?? true,
  });
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal opened onClose={onClose} title={customer ? `Edit ${customer.name}` : 'New customer'}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          const body = {
            name: f.name.trim(),
            email: f.email.trim() || null,
            phone: f.phone.trim() || null,
            address: f.address.trim() || null,
            active: f.active,
          };
          try {
            if (customer) await patch(`/api/v1/Customer/${customer.customerID}`, body);
            else await post('/api/v1/Customer', body);
            onSaved();
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Stack>
          <TextInput label="Name" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} required maxLength={200} data-autofocus />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Email" type="email" value={f.email} onChange={(e) => setF({ ...f, email: e.currentTarget.value })} maxLength={254} />
            <TextInput label="Phone" type="tel" value={f.phone} onChange={(e) => setF({ ...f, phone: e.currentTarget.value })} maxLength={50} />
          </SimpleGrid>
          <Textarea label="Address" value={f.address} onChange={(e) => setF({ ...f, address: e.currentTarget.value })} autosize minRows={2} maxLength={1000} />
          <Switch label="Active" checked={f.active} onChange={(e) => setF({ ...f, active: e.currentTarget.checked })} />
          <ErrorNote error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Save customer</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
