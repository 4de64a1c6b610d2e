import { basic, type TestApp, type TestUser } from './app.js';

/** A real OAuth access token from the token manager (seed 002), with the scope asked for. */
export async function appToken(t: TestApp, owner: TestUser, scope: string): Promise<string> {
  const auth = { authorization: basic(owner.username, owner.password) };
  const app = await t.app.inject({
    method: 'POST',
    url: '/api/v1/App',
    headers: auth,
    payload: { name: `App ${scope}`, redirect_uris: ['https://shop.example/cb'], grant_types: ['authorization_code', 'refresh_token'], scope },
  });
  if (app.statusCode !== 201) throw new Error(`app: ${app.body}`);
  const tok = await t.app.inject({ method: 'POST', url: `/api/v1/App/${app.json().id}/Token`, headers: auth, payload: { name: 'test', scope } });
  if (tok.statusCode >= 300) throw new Error(`token: ${tok.body}`);
  return tok.json().access_token as string;
}
