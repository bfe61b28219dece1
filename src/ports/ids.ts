/** Makes identifiers: lower-case GUIDs, as the MIM wire format spells them. */
export interface IdGenerator {
  newId(): string;
}
