import { interpolateEnv, UnsetVariableError } from './env-interpolation.js';

describe('interpolateEnv', () => {
  const env = { KEY: 'sekret', PORT: '3001', EMPTY: '' };

  it('replaces ${NAME} anywhere in every string, at any depth, and leaves keys and other scalars alone', () => {
    const file = { key: '${KEY}', services: [{ name: 'a', upstream: 'http://127.0.0.1:${PORT}/', weight: 2, addHeaders: { '${KEY}': 'Bearer ${KEY}' } }] };
    expect(interpolateEnv(file, env)).toEqual({
      key: 'sekret',
      services: [{ name: 'a', upstream: 'http://127.0.0.1:3001/', weight: 2, addHeaders: { '${KEY}': 'Bearer sekret' } }],
    });
  });

  it('takes a variable set to nothing as set, $${ as a literal ${, and $NAME without braces as text', () => {
    expect(interpolateEnv(['a${EMPTY}b', '$${KEY}', '$KEY', '${ KEY }'], env)).toEqual(['ab', '${KEY}', '$KEY', '${ KEY }']);
  });

  it('names the unset variable and where it is', () => {
    const file = { services: [{ name: 'a' }, { name: 'b', addHeaders: { Authorization: 'Bearer ${API_TOKEN}' } }] };
    let thrown: unknown;
    try {
      interpolateEnv(file, env);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UnsetVariableError);
    expect((thrown as UnsetVariableError).variable).toBe('API_TOKEN');
    expect((thrown as UnsetVariableError).path).toEqual(['services', 1, 'addHeaders', 'Authorization']);
    expect((thrown as Error).message).toBe('${API_TOKEN} names an environment variable that is not set');
  });
});
