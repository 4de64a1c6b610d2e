export function UsersPage() {
  return null;
}
export function UserDetailPage() {
  return null;
}
