-- The loader now finds changed customers by comparing the content columns in SQL, and stores
-- row_hash as the md5 of the content's jsonb (services/loader/src/store/customer-content.ts)
-- instead of a hash it computed itself. Rows written before keep the old kind of hash; they are
-- recomputed once here so that the column means one thing on every row. Rows already in the
-- new form are left alone, so the migration writes nothing on a table the new loader wrote.
update backoffice.customers
set row_hash = md5(jsonb_build_object(
  'store', store, 'customer_name', customer_name, 'contact_number', contact_number, 'address', address,
  'email', email, 'date_of_birth', date_of_birth, 'date_joined', date_joined, 'available_credit', available_credit,
  'available_point', available_point, 'source', source, 'sms_pdpa', sms_pdpa, 'email_pdpa', email_pdpa)::text)
where row_hash is distinct from md5(jsonb_build_object(
  'store', store, 'customer_name', customer_name, 'contact_number', contact_number, 'address', address,
  'email', email, 'date_of_birth', date_of_birth, 'date_joined', date_joined, 'available_credit', available_credit,
  'available_point', available_point, 'source', source, 'sms_pdpa', sms_pdpa, 'email_pdpa', email_pdpa)::text);
