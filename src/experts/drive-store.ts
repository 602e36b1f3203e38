/**
 * Google Drive as a consultation store: the same Markdown as the folder
 * export, uploaded into a Drive folder with a service account
 * (GOOGLE_APPLICATION_CREDENTIALS names its JSON key). @googleapis/drive is
 * imported only here, and only when a consultation goes to Drive.
 */
import type { drive_v3 } from "@googleapis/drive";
import { CodeError, ConfigError } from "../core/errors.js";
import { importPackage } from "../core/import-package.js";
import { consultationMarkdown, markdownFileName } from "./markdown.js";
import type { ConsultationExport } from "./stores.js";

export interface DriveExportOptions {
  readonly folderId: string;
  /** What the Drive client takes as `auth`. @default a service account from keyFile */
  readonly auth?: drive_v3.Options["auth"];
  /** Service account JSON key file. */
  readonly keyFile?: string;
  /** API root; tests point it at a fake Drive server. @default https://www.googleapis.com/ */
  readonly rootUrl?: string;
}

const SCOPES = ["https://www.googleapis.com/auth/drive.file"];

export async function driveExport(options: DriveExportOptions): Promise<ConsultationExport> {
  const { drive, auth: google } =
    await importPackage<typeof import("@googleapis/drive")>("@googleapis/drive");
  const auth =
    options.auth ??
    new google.GoogleAuth({ ...(options.keyFile ? { keyFile: options.keyFile } : {}), scopes: SCOPES });
  const client = drive({ version: "v3", auth });
  // Per call: the client-wide rootUrl does not move the upload (media) URL.
  const callOptions = options.rootUrl ? { rootUrl: options.rootUrl } : {};
  return {
    async write(c) {
      try {
        const res = await client.files.create(
          {
            requestBody: {
              name: markdownFileName(c),
              parents: [options.folderId],
              mimeType: "text/markdown",
            },
            media: { mimeType: "text/markdown", body: consultationMarkdown(c) },
            fields: "id,name,webViewLink",
            supportsAllDrives: true,
          },
          callOptions,
        );
        return `${res.data.id ?? "?"} ${res.data.webViewLink ?? ""}`.trim();
      } catch (cause) {
        const status = (cause as { status?: number }).status;
        throw new CodeError(
          "EXPERTS_DRIVE",
          `Google Drive refused the upload${status ? ` (HTTP ${status})` : ""}: ${(cause as Error).message}`,
          {
            cause,
            hint: "share the folder with the service account's e-mail address and check GOOGLE_APPLICATION_CREDENTIALS",
          },
        );
      }
    },
  };
}

/** The CLI's way in: the key file from GOOGLE_APPLICATION_CREDENTIALS. */
export async function driveExportFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  folderId: string,
): Promise<ConsultationExport> {
  const keyFile = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (!keyFile)
    throw new ConfigError(
      "no Google service account: set GOOGLE_APPLICATION_CREDENTIALS to its JSON key file",
    );
  return driveExport({
    folderId,
    keyFile,
    ...(env.CODEPLOY_DRIVE_ROOT_URL ? { rootUrl: env.CODEPLOY_DRIVE_ROOT_URL } : {}),
  });
}
