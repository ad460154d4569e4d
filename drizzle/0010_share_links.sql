CREATE TABLE "share_assets" (
	"share_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "share_assets_share_id_asset_id_pk" PRIMARY KEY("share_id","asset_id")
);
--> statement-breakpoint
CREATE TABLE "share_visit_pages" (
	"visit_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"page" integer NOT NULL,
	"version_id" uuid,
	"active_ms" integer DEFAULT 0 NOT NULL,
	"last_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "share_visit_pages_visit_id_asset_id_page_pk" PRIMARY KEY("visit_id","asset_id","page")
);
--> statement-breakpoint
CREATE TABLE "share_visits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"share_id" uuid NOT NULL,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"device" text NOT NULL,
	"device_key" text NOT NULL,
	"address_key" text NOT NULL,
	"bot_reason" text,
	"confirmed" boolean DEFAULT false NOT NULL,
	"interacted" boolean DEFAULT false NOT NULL,
	"forwarded" boolean DEFAULT false NOT NULL,
	"downloads" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shares" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"sender_id" uuid NOT NULL,
	"recipient" text NOT NULL,
	"opportunity" text,
	"note" text,
	"allow_download" boolean NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shares_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "share_assets" ADD CONSTRAINT "share_assets_share_id_shares_id_fk" FOREIGN KEY ("share_id") REFERENCES "public"."shares"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_assets" ADD CONSTRAINT "share_assets_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_visit_pages" ADD CONSTRAINT "share_visit_pages_visit_id_share_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."share_visits"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_visit_pages" ADD CONSTRAINT "share_visit_pages_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_visits" ADD CONSTRAINT "share_visits_share_id_shares_id_fk" FOREIGN KEY ("share_id") REFERENCES "public"."shares"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shares" ADD CONSTRAINT "shares_sender_id_users_id_fk" FOREIGN KEY ("sender_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "share_visits_share_idx" ON "share_visits" USING btree ("share_id","started_at");--> statement-breakpoint
CREATE INDEX "shares_sender_idx" ON "shares" USING btree ("sender_id","created_at");