CREATE TABLE "asset_feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"asset_id" uuid NOT NULL,
	"version_id" uuid,
	"user_id" uuid,
	"helpful" boolean NOT NULL,
	"comment" text,
	"persona" text,
	"stage" text,
	"industry" text,
	"opportunity" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "asset_feedback" ADD CONSTRAINT "asset_feedback_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_feedback" ADD CONSTRAINT "asset_feedback_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "asset_feedback_asset_idx" ON "asset_feedback" USING btree ("asset_id","created_at");