-- Speed of the registers on large organisations (see docs/performance.md):
-- 1. Record counts per organisation, so the unfiltered list does not COUNT(*) a million rows.
-- 2. The object's group and quarter copied onto premises, so those filters use an index in
--    address order instead of a subquery over objects.
CREATE TABLE record_counts (
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  entity TEXT NOT NULL,
  total INTEGER NOT NULL,
  PRIMARY KEY (organization_id, entity)
);
INSERT INTO record_counts (organization_id, entity, total)
  SELECT organization_id, 'premises', COUNT(*) FROM premises GROUP BY organization_id;
INSERT INTO record_counts (organization_id, entity, total)
  SELECT organization_id, 'clients', COUNT(*) FROM clients GROUP BY organization_id;

ALTER TABLE premises ADD COLUMN object_group_id INTEGER REFERENCES object_groups(id);
ALTER TABLE premises ADD COLUMN quarter_id INTEGER REFERENCES quarters(id);
UPDATE premises SET
  object_group_id = (SELECT o.object_group_id FROM objects o WHERE o.id = premises.object_id),
  quarter_id = (SELECT o.quarter_id FROM objects o WHERE o.id = premises.object_id);
CREATE INDEX premises_group ON premises(organization_id, object_group_id, address_sort);
CREATE INDEX premises_quarter ON premises(organization_id, quarter_id, address_sort);
