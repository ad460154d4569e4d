-- Extracted text is read whole to build the search index at boot (gigabytes at 100k assets) and in part for
-- every snippet; lz4 decompresses it about 2.5× faster than the default pglz and compresses it 4× faster.
-- PostgreSQL built without lz4 (PGlite is) keeps pglz. Rows already stored keep their compression until rewritten.
DO $$
BEGIN
  ALTER TABLE "asset_versions" ALTER COLUMN "text" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END $$;
