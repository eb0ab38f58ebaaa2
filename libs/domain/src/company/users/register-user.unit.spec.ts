import { Conflict, Invalid } from '../../shared/domain-errors';
import { ADMIN_ID, bootstrap, cmd, NEW_USER_ID, spec, userRegistered } from '../../../test/company/company-fixtures';

describe('RegisterUser', () => {
  const registerUser = (email: string, displayName?: string | null, userId = NEW_USER_ID) =>
    cmd('RegisterUser', displayName === undefined ? { userId, email } : { userId, email, displayName });

  it('registers with a normalised email and trimmed display name', () => {
    spec.given(bootstrap).when(registerUser('  New@Acme.TEST ', ' Neo ')).then([userRegistered(NEW_USER_ID, 'new@acme.test', 'Neo')]);
  });

  it.each([[undefined], [null], ['   ']])('stores display name %j as null', (displayName) => {
    spec.given(bootstrap).when(registerUser('new@acme.test', displayName)).then([userRegistered(NEW_USER_ID, 'new@acme.test', null)]);
  });

  it('refuses an email already used in the company, case-insensitively', () => {
    spec.given(bootstrap).when(registerUser('ADMIN@acme.test')).thenThrows(Conflict, 'email_taken');
  });

  it('refuses a user id already registered', () => {
    spec.given(bootstrap).when(registerUser('other@acme.test', null, ADMIN_ID)).thenThrows(Conflict, 'user_exists');
  });

  it.each([['plain'], ['a@b'], ['two words@acme.test'], ['a@@acme.test'], [''], [`${'a'.repeat(245)}@acme.test`]])(
    'rejects email %j',
    (email) => {
      spec.given(bootstrap).when(registerUser(email)).thenThrows(Invalid, 'invalid_email');
    },
  );

  it('accepts a 254 character email', () => {
    const email = `${'a'.repeat(244)}@acme.test`;
    expect(email).toHaveLength(254);
    spec.given(bootstrap).when(registerUser(email)).then([userRegistered(NEW_USER_ID, email, null)]);
  });

  it('rejects an overlong display name', () => {
    spec.given(bootstrap).when(registerUser('new@acme.test', 'd'.repeat(201))).thenThrows(Invalid, 'invalid_display_name');
  });

  it('rejects a malformed user id', () => {
    spec.given(bootstrap).when(cmd('RegisterUser', { userId: 'user-1', email: 'new@acme.test' })).thenThrows(Invalid, 'invalid_id');
  });
});
