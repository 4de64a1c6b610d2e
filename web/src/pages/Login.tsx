import { useState } from 'react';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { errorText, post } from '../api';
import { useSession } from '../session';

type LoginAnswer = { pin_token: string; expires_in: number } | { csrf_token: string };

/** Seed 002's login: username or email and password, then the PIN when the user has one. */
export function LoginPage() {
  const session = useSession();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [pin, setPin] = useState('');
  const [pinToken, setPinToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = pinToken
        ? await post<LoginAnswer>('/api/auth/pin', { pin_token: pinToken, pin })
        : await post<LoginAnswer>('/api/auth/login', login.includes('@') ? { email: login, password } : { username: login, password });
      if ('pin_token' in answer) {
        setPinToken(answer.pin_token);
        setPassword('');
      } else {
        await session.started(answer.csrf_token);
      }
    } catch (err) {
      setError(errorText(err));
      // A used-up or expired PIN token means starting again.
      if (pinToken && err instanceof Error && 'key' in err && (err as { key: string }).key === 'token.invalid') setPinToken(null);
      setPin('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={400}>
        <form onSubmit={submit}>
          <Stack>
            <div>
              <Title order={1} size="h3">
                Quartermaster
              </Title>
              <Text c="dimmed" size="sm">
                {pinToken ? 'Enter your PIN to finish logging in.' : 'Log in to the console.'}
              </Text>
            </div>
            {error && (
              <Alert color="red" variant="light" role="alert" id="login-error">
                {error}
              </Alert>
            )}
            {!pinToken ? (
              <>
                <TextInput
                  label="Username or email"
                  name="username"
                  autoComplete="username"
                  value={login}
                  onChange={(e) => setLogin(e.currentTarget.value)}
                  required
                  autoFocus
                />
                <PasswordInput
                  label="Password"
                  name="password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  required
                />
              </>
            ) : (
              <PasswordInput
                label="PIN"
                name="pin"
                inputMode="numeric"
                autoComplete="one-time-code"
                value={pin}
                onChange={(e) => setPin(e.currentTarget.value)}
                required
                autoFocus
              />
            )}
            <Button type="submit" loading={busy} fullWidth>
              {pinToken ? 'Confirm PIN' : 'Log in'}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
