import { useState } from 'react';
import { Button, Group, Modal, NativeSelect, Stack, Table, Text, TextInput } from '@mantine/core';
import { del, errorText, get, patch, post, type Page } from '../api';
import { DeleteButton, useBlocked } from '../inventory';
import { attempt, ErrorNote, PageTitle, Section, useLoad, Why } from '../ui';

interface Category {
  categoryID: number;
  name: string;
  parentID: number | null;
}

/** Item categories, a tree: search, create, rename, move under another, delete (refused while in use). */
export function CategoriesPage() {
  const blockedFor = useBlocked();
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Category | 'new' | null>(null);
  const list = useLoad(() => get<Page<Category>>('/api/v1/Category', { q, pageSize: 200, sort: 'name' }), [q]);
  // Every category, for parent names and the parent choice.
  const all = useLoad(() => get<Page<Category>>('/api/v1/Category', { pageSize: 500, sort: 'name' }).then((p) => p.value));
  const name = (id: number | null) => (id === null ? '—' : (all.data?.find((c) => c.categoryID === id)?.name ?? `#${id}`));
  const reload = () => Promise.all([list.reload(), all.reload()]);
  const addBlocked = blockedFor('category', 'add');
  const changeBlocked = blockedFor('category', 'change');
  const deleteBlocked = blockedFor('category', 'delete');
  return (
    <>
      <PageTitle
        right={
          <Why reason={addBlocked}>
            <Button onClick={() => setEditing('new')} disabled={addBlocked !== null}>
              New category
            </Button>
          </Why>
        }
      >
        Categories
      </PageTitle>
      <Section title="Categories" description={list.data ? `${list.data.totalCount} categories` : undefined}>
        <TextInput label="Search categories" value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={320} mb="sm" />
        <ErrorNote error={list.error} />
        <div className="qm-table-wrap">
          <Table striped aria-label="Categories">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Parent</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.value.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={3}>
                    <Text size="sm" c="dimmed">
                      No categories.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {list.data?.value.map((c) => (
                <Table.Tr key={c.categoryID}>
                  <Table.Td>{c.name}</Table.Td>
                  <Table.Td>{name(c.parentID)}</Table.Td>
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
                          await del(`/api/v1/Category/${c.categoryID}`);
                          await attempt(reload, `Category ${c.name} deleted.`);
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
        <CategoryForm
          category={editing === 'new' ? null : editing}
          all={all.data ?? []}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void reload();
          }}
        />
      )}
    </>
  );
}

function CategoryForm({ category, all, onClose, onSaved }: { category: Category | null; all: Category[]; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(category?.name ?? '');
  const [parent, setParent] = useState(category?.parentID ? String(category.parentID) : '');
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal opened onClose={onClose} title={category ? `Edit ${category.name}` : 'New category'}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          const body = { name: name.trim(), parentID: parent ? Number(parent) : null };
          try {
            if (category) await patch(`/api/v1/Category/${category.categoryID}`, body);
            else await post('/api/v1/Category', body);
            onSaved();
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <Stack>
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} data-autofocus />
          <NativeSelect
            label="Parent category"
            value={parent}
            onChange={(e) => setParent(e.currentTarget.value)}
            data={[
              { value: '', label: 'None (top level)' },
              ...all.filter((c) => c.categoryID !== category?.categoryID).map((c) => ({ value: String(c.categoryID), label: c.name })),
            ]}
          />
          <ErrorNote error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Save category</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
