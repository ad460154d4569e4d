ALTER TABLE "usage_span_assets" ADD COLUMN "visitor_opens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Spans built before they kept visitor opens are built again by the next rollup run.
DELETE FROM "usage_spans";
