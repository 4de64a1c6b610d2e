import { AppShell, Burger, Button, Center, Group, Loader, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Navigate, NavLink as RouterLink, Route, Routes, useLocation } from 'react-router';
import { useSession, type Action } from './session';
import { lazy, Suspense, type ComponentType } from 'react';
import { LoginPage } from './pages/Login';

/** A page loaded when first shown: each screen is a chunk of its own (code-split), the login page comes with the shell. */
function page<M>(load: () => Promise<M>, name: keyof M) {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}
const MePage = page(() => import('./pages/Me'), 'MePage');
const AppsPage = page(() => import('./pages/Apps'), 'AppsPage');
const AppDetailPage = page(() => import('./pages/Apps'), 'AppDetailPage');
const UsersPage = page(() => import('./pages/Users'), 'UsersPage');
const UserDetailPage = page(() => import('./pages/Users'), 'UserDetailPage');
const GroupsPage = page(() => import('./pages/Groups'), 'GroupsPage');
const AuditPage = page(() => import('./pages/Audit'), 'AuditPage');
const OverviewPage = page(() => import('./pages/Overview'), 'OverviewPage');
const ItemsPage = page(() => import('./pages/Items'), 'ItemsPage');
const StockPage = page(() => import('./pages/Stock'), 'StockPage');
const OrdersPage = page(() => import('./pages/Orders'), 'OrdersPage');
const OrderDetailPage = page(() => import('./pages/Orders'), 'OrderDetailPage');
const LotsPage = page(() => import('./pages/Lots'), 'LotsPage');
const CustomersPage = page(() => import('./pages/Customers'), 'CustomersPage');
const CategoriesPage = page(() => import('./pages/Categories'), 'CategoriesPage');
const WarehousesPage = page(() => import('./pages/Warehouses'), 'WarehousesPage');
const ReportsPage = page(() => import('./pages/Reports'), 'ReportsPage');
const AllAppsPage = page(() => import('./pages/AllApps'), 'AllAppsPage');
const IntegrationUsersPage = page(() => import('./pages/IntegrationUsers'), 'IntegrationUsersPage');

interface NavEntry {
  to: string;
  label: string;
  need?: [string, Action];
  superuser?: boolean;
}

const NAV: { title: string; entries: NavEntry[] }[] = [
  {
    title: 'You',
    entries: [
      { to: '/me', label: 'Me' },
      { to: '/apps', label: 'My apps', need: ['app', 'view'] },
    ],
  },
  {
    title: 'Inventory',
    entries: [
      { to: '/items', label: 'Items', need: ['item', 'view'] },
      { to: '/stock', label: 'Stock', need: ['stock', 'view'] },
      { to: '/lots', label: 'Lots', need: ['stock', 'view'] },
      { to: '/orders', label: 'Sales orders', need: ['order', 'view'] },
      { to: '/customers', label: 'Customers', need: ['customer', 'view'] },
      { to: '/categories', label: 'Categories', need: ['category', 'view'] },
      { to: '/warehouses', label: 'Warehouses', need: ['warehouse', 'view'] },
      { to: '/reports', label: 'Reports', need: ['report', 'view'] },
    ],
  },
  {
    title: 'Administration',
    entries: [
      { to: '/overview', label: 'Overview', need: ['user', 'view'] },
      { to: '/admin/users', label: 'Users', need: ['user', 'view'] },
      { to: '/admin/groups', label: 'Groups', need: ['user', 'view'] },
      { to: '/admin/audit', label: 'Audit log', need: ['user', 'view'] },
      { to: '/admin/integration-users', label: 'Integration users', need: ['user', 'view'] },
      { to: '/admin/applications', label: 'All applications', need: ['app', 'view'], superuser: true },
    ],
  },
];

/** Where to go after logging in: a path on this site only. */
function safeNext(search: string): string | null {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && !next.startsWith('/login') ? next : null;
}

export function App() {
  const session = useSession();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure();

  if (session.loading) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (!session.me) {
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />} />
      </Routes>
    );
  }
  const me = session.me;
  const allowed = (e: NavEntry) => (!e.need || session.can(e.need[0], e.need[1])) && (!e.superuser || me.superuser);
  const home = session.can('user', 'view') ? '/overview' : session.can('item', 'view') ? '/items' : '/me';

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <img src="/assets/favicon.svg" alt="" width={28} height={28} />
            <Title order={1} size="h4">
              Quartermaster
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="xs">
              {me.account.name}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs" data-testid="whoami">
              {me.username}
              {me.readOnly ? ' · read-only' : ''}
            </Text>
            <Button variant="default" size="xs" onClick={() => void session.logout()}>
              Log out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <ScrollArea>
          {NAV.map((section) => {
            const entries = section.entries.filter(allowed);
            if (!entries.length) return null;
            return (
              <div key={section.title}>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
                  {section.title}
                </Text>
                {entries.map((e) => (
                  <NavLink key={e.to} component={RouterLink} to={e.to} label={e.label} onClick={close} active={location.pathname.startsWith(e.to)} />
                ))}
              </div>
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loader size="sm" aria-label="Loading" />}>
          <Routes>
            <Route path="/" element={<Navigate to={home} replace />} />
            <Route path="/login" element={<Navigate to={safeNext(location.search) ?? home} replace />} />
            <Route path="/me" element={<MePage />} />
            <Route path="/apps" element={<AppsPage />} />
            <Route path="/apps/:id" element={<AppDetailPage />} />
            <Route path="/items" element={<ItemsPage />} />
            <Route path="/stock" element={<StockPage />} />
            <Route path="/orders" element={<OrdersPage />} />
            <Route path="/orders/:id" element={<OrderDetailPage />} />
            <Route path="/lots" element={<LotsPage />} />
            <Route path="/customers" element={<CustomersPage />} />
            <Route path="/categories" element={<CategoriesPage />} />
            <Route path="/warehouses" element={<WarehousesPage />} />
            <Route path="/reports" element={<ReportsPage />} />
            <Route path="/overview" element={<OverviewPage />} />
            <Route path="/admin/users" element={<UsersPage />} />
            <Route path="/admin/users/:id" element={<UserDetailPage />} />
            <Route path="/admin/groups" element={<GroupsPage />} />
            <Route path="/admin/audit" element={<AuditPage />} />
            <Route path="/admin/integration-users" element={<IntegrationUsersPage />} />
            <Route path="/admin/applications" element={me.superuser ? <AllAppsPage /> : <Text>Only superusers manage every application.</Text>} />
            <Route path="*" element={<Text>Nothing here. Pick a screen from the menu.</Text>} />
          </Routes>
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
