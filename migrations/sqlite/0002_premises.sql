-- Premises (SPEC §2), tags, and the search keys of the address search box.
-- Areas are integer hundredths of a square metre (54.35 m² = 5435).

CREATE TABLE premises (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  object_id INTEGER NOT NULL REFERENCES objects(id),
  entrance_id INTEGER REFERENCES entrances(id),
  floor_id INTEGER REFERENCES floors(id),
  type TEXT NOT NULL,
  number TEXT,
  street TEXT,
  house TEXT,
  level TEXT,
  room TEXT,
  total_area INTEGER,
  living_area INTEGER,
  rooms INTEGER,
  online_payment INTEGER NOT NULL DEFAULT 0,
  note TEXT,
  external_id TEXT,
  -- Search keys derived from the effective address (the object's street and house unless
  -- the premise has its own): see src/core/address.hpp.
  street_key TEXT NOT NULL,
  house_key TEXT NOT NULL,
  number_key TEXT NOT NULL,
  address_sort TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX premises_address ON premises(organization_id, address_sort);
CREATE INDEX premises_number ON premises(organization_id, number_key, address_sort);
CREATE INDEX premises_house ON premises(organization_id, house_key, number_key);
CREATE INDEX premises_street ON premises(organization_id, street_key, address_sort);
CREATE INDEX premises_object ON premises(organization_id, object_id, address_sort);
CREATE INDEX premises_type ON premises(organization_id, type, address_sort);
CREATE INDEX premises_area_asc ON premises(organization_id, total_area IS NULL, total_area, id);
CREATE INDEX premises_area_desc ON premises(organization_id, total_area IS NULL, total_area DESC, id DESC);
CREATE INDEX premises_entrance ON premises(entrance_id);
CREATE INDEX premises_floor ON premises(floor_id);
CREATE UNIQUE INDEX premises_external_id ON premises(organization_id, external_id)
  WHERE external_id IS NOT NULL;

-- Every street key in use, so that a street typed in the search box is matched against a
-- few hundred streets, not a million premises.
CREATE TABLE street_keys (
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  street_key TEXT NOT NULL,
  PRIMARY KEY (organization_id, street_key)
);

CREATE TABLE tags (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX tags_name ON tags(organization_id, name_key);

CREATE TABLE premise_tags (
  premise_id INTEGER NOT NULL REFERENCES premises(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  PRIMARY KEY (premise_id, tag_id)
);
CREATE INDEX premise_tags_tag ON premise_tags(tag_id, premise_id);
