export const TEMPLATE_DATABASE = 'vibot_test_template';
export const TEST_API_PASSWORD = 'test-api-password';
export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-for-hs256-0123456789';
