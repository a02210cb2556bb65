import { federatedCredentialBudget } from '../../src/rules/identity';

describe('federatedCredentialBudget', () => {
  const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

  test('20 workload-identity subjects fit an identity without identity binding', () => {
    expect(federatedCredentialBudget(CLIENT_ID, 20, false)).toBeUndefined();
    const f = federatedCredentialBudget(CLIENT_ID, 21, false)!;
    expect(f).toMatchObject({ field: 'clientID', value: CLIENT_ID, severity: 'error' });
    expect(f.rule).toMatch(/21 here, and Entra ID allows 20 per identity/);
  });

  test('identity binding on the same identity uses one credential, leaving 19', () => {
    expect(federatedCredentialBudget(CLIENT_ID, 19, true)).toBeUndefined();
    const f = federatedCredentialBudget(CLIENT_ID, 20, true)!;
    expect(f.rule).toMatch(/identity binding on this identity \(az aks identity-binding create\) already uses one, leaving 19/);
    expect(f.fix).toMatch(/AksIdentityBinding/);
  });
});
