import { Conflict } from '../../shared/domain-errors';
import { requireAdmin, requireCompany } from '../authorization';
import type { RegisterUser } from '../commands';
import type { UserRegistered } from '../events';
import { requireId } from '../input-rules';
import type { CompanyState } from '../state';
import { normalizeDisplayName, normalizeEmail } from './user-rules';

// Users live in the company stream: "only admins act" and "email unique in the company"
// are checked against the same state that holds the roles.
export function registerUser(command: RegisterUser, state: CompanyState): readonly UserRegistered[] {
  const company = requireCompany(state);
  requireAdmin(company, command.metadata.actor);
  const userId = requireId(command.data.userId, 'userId');
  if (company.users.has(userId)) {
    throw new Conflict('user_exists', 'A user with this id is already registered', { userId });
  }
  const email = normalizeEmail(command.data.email);
  for (const user of company.users.values()) {
    if (user.email === email) throw new Conflict('email_taken', 'Email address is already registered in this company');
  }
  const displayName = normalizeDisplayName(command.data.displayName);
  return [
    {
      type: 'UserRegistered',
      data: { userId, companyId: company.companyId, email, displayName, registeredAt: command.metadata.now },
    },
  ];
}
