/**
 * Matches rows adopted from the old script's table (migration 20261206120000) to the export's
 * rows, inside the load's transaction and before the diff, so that the diff sees them as the
 * customers they are: unchanged, updated (the usual case: the number's lost leading zero comes
 * back from the export), or gone (soft-deleted by the usual rules, within the mass-delete guard).
 *
 * An adopted row waits with a placeholder key and the number the old script stored in
 * `old_script_contact`. The old script read numbers as numbers, so `0812345678` became `812345678`
 * and `000` became `0`: an adopted row and an export row are compared by the digits of their
 * numbers without leading zeros. The old table held yesterday's export row for row, so first the
 * same digits, name and date joined; then, for what is left, the same usable number alone (a
 * customer renamed overnight). Within each group the rows pair in order (the old rows by id, the
 * export's by position), so a customer the old table held twice keeps one row and its copy goes.
 * A match takes over the export row's key; export rows that are rejected, whose key repeats, or
 * whose key a row already holds, are never matched.
 *
 * A soft-deleted adopted row keeps waiting, so a customer who comes back is revived. When no row
 * waits (every load after the first), one check against a partial index skips both statements:
 * nothing is written and no lock beyond a reader's is taken.
 */
const pairing = (group: (alias: string) => string, usable: (alias: string) => string) => `
  update crm_sync.customers c
  set customer_key = m.customer_key, phone_normalized = m.phone_normalized, old_script_contact = null
  from (
    select p.id, o.customer_key, o.phone_normalized
    from (select id, ${group("w")} as grp, row_number() over (partition by ${group("w")} order by legacy_id) as n
          from (select id, legacy_id, customer_name, date_joined,
                       ltrim(regexp_replace(old_script_contact, '\\D', '', 'g'), '0') as digits
                from crm_sync.customers where old_script_contact is not null) w
          where ${usable("w")}) p
    join (select customer_key, phone_normalized, ${group("x")} as grp, row_number() over (partition by ${group("x")} order by row_no) as n
          from (select s.row_no, s.customer_key, s.phone_normalized, s.customer_name, s.date_joined,
                       ltrim(regexp_replace(s.contact_number, '\\D', '', 'g'), '0') as digits
                from loader_staging s
                where not s.rejected
                  and not exists (select 1 from loader_rejected r where r.customer_key = s.customer_key)
                  and not exists (select 1 from crm_sync.customers k where k.customer_key = s.customer_key)) x
          where ${usable("x")}) o
      on o.grp = p.grp and o.n = p.n
  ) m
  where c.id = m.id and exists (select 1 from crm_sync.customers where old_script_contact is not null);`;

// The updates run only when an adopted row waits: an UPDATE takes its table lock (ROW EXCLUSIVE)
// before it finds no row, and every daily load would otherwise queue behind anyone holding SHARE
// on the customers (a backup, a maintenance script) before it has even computed its diff.
export const MATCH_OLD_SCRIPT_ROWS = `
  do $match$
  begin
    if exists (select 1 from crm_sync.customers where old_script_contact is not null) then
      ${pairing((a) => `(${a}.digits, ${a}.customer_name, coalesce(${a}.date_joined::text, ''))`, () => "true")}
      ${
        // Eight digits at least: a real number, not a placeholder such as `0` or `123`.
        pairing((a) => `${a}.digits`, (a) => `length(${a}.digits) >= 8`)
      }
    end if;
  end
  $match$;`;
