// One import for the API suites, which mostly need a world, a call and a company together; each
// concern lives in its own file.
export { type ApiWorld, startWorld, testConfig, withWorldAndCompany } from './api-world';
export { type Company, type Member } from './company-setup';
export { CONNECTORS, mysqlConnector } from './connector-kit';
export { countEvents, hasRoleInSql } from './db-queries';
export { type Answer, call, type CallOptions } from './http-call';
export { countRequestEvents, decideRequest, type Decision, readRequest, REQUESTS, requestChange } from './request-kit';
