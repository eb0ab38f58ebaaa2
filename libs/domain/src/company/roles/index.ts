// Public entry of the role catalogue: the built-in role codes and the scope rule callers outside the domain need.
export { ADMIN_ROLE_CODE, AUDITOR_ROLE_CODE, isProjectScope } from './role-rules';
