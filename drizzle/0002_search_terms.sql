-- The distinct words of each version's text with their counts, which the search index is built from at boot
-- (see server/search/text-terms.ts). Versions processed before this have none until reprocessed: the index
-- tokenizes their text instead. lz4 for the same reason as the text's (0001); PGlite keeps pglz.
ALTER TABLE "asset_versions" ADD COLUMN "search_terms" text;--> statement-breakpoint
DO $$
BEGIN
  ALTER TABLE "asset_versions" ALTER COLUMN "search_terms" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END $$;
