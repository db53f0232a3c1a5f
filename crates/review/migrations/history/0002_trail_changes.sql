-- Remediation's trail: the calls each action made, in order (JSON, `remediate::change`),
-- so an action of many calls (a quarantine, a user's deletion) says exactly what it
-- changed, even when its run stopped part-way, and an undo reverses exactly that.
-- Rows written before this column are read as their action's one call.
ALTER TABLE actions ADD COLUMN changes TEXT;
