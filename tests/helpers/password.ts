/** The password of every test user made by createUser (and the default of signUp). */
export const PASSWORD = 'correct horse battery';

/** bcrypt cost of the shared test hash: the cost the app uses outside production. */
export const PASSWORD_HASH_COST = 10;
