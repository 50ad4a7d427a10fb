-- Premises of one type sorted by area («квартиры по площади»): the area index alone walks
-- every smaller parking space and storage room before the first flat.
CREATE INDEX premises_type_area_asc
  ON premises(organization_id, type, (total_area IS NULL), total_area, id);
CREATE INDEX premises_type_area_desc
  ON premises(organization_id, type, (total_area IS NULL), total_area DESC, id DESC);
