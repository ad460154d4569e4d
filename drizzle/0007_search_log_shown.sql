ALTER TABLE "search_log" ADD COLUMN "shown_asset_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "search_log" ADD COLUMN "counted" boolean DEFAULT true NOT NULL;