/** Makes identifiers: lower-case GUIDs, as the MIM wire format spells them. */
export interface IdGenerator {
  newId(): string;
  /**
   * A GUID that starts with the time it was made (RFC 9562 version 7), for rows written in bulk
   * that nobody outside sees by id (notifications): a unique index over them then grows at its end,
   * where random ids each dirty a page of their own (issue 13: the WAL volume of a mass expiry).
   */
  newTimeOrderedId(): string;
}
