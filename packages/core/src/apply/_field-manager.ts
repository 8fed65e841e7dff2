/** The field manager of every write kubeship makes. */
export const FIELD_MANAGER = 'kubeship';
