import type { Kysely } from 'kysely';

// Reserved for the feedback area; filled in by the change that builds it.
export async function up(_db: Kysely<any>): Promise<void> {}

export async function down(_db: Kysely<any>): Promise<void> {}
