/**
 * Drift events of one environment (state/drift-events.ts through the service):
 * each check that found drift, who checked, what changed (kind, name, change,
 * JSON pointer; never the values) and how the self-heal ended. Newest first,
 * paged by the events' sequence numbers like the API and `drift --history`.
 */
import { z } from "zod";
import type { DriftEvent, DriftEventPage } from "../../state/types.js";
import { Badge } from "./layout.js";

// The summary is stored as JSON by service/drift.ts; a row of another shape shows its count only.
const summarySchema = z.object({
  count: z.number().optional(),
  ignored: z.number().optional(),
  items: z
    .array(
      z.object({
        kind: z.string(),
        name: z.string(),
        service: z.string().optional(),
        change: z.string(),
        path: z.string(),
      }),
    )
    .optional(),
});

type Summary = z.infer<typeof summarySchema>;

export function summaryOf(event: DriftEvent): Summary {
  const parsed = summarySchema.safeParse(event.summary);
  return parsed.success ? parsed.data : {};
}

function Changes({ event }: { event: DriftEvent }) {
  const summary = summaryOf(event);
  const items = summary.items ?? [];
  const count = summary.count ?? items.length;
  return (
    <>
      {event.resources} resource{event.resources === 1 ? "" : "s"}
      {items.length > 0 ? (
        <ul class="drift-items">
          {items.map((i) => (
            <li>
              <Badge value={i.change} /> {i.kind} <strong>{i.name}</strong>
              {i.path !== "" ? (
                <>
                  {" at "}
                  <code>{i.path}</code>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {count > items.length ? <div class="hint">and {count - items.length} more</div> : null}
    </>
  );
}

function Heal({ event }: { event: DriftEvent }) {
  if (event.heal === undefined) return <>not healed</>;
  return (
    <>
      <Badge value={event.heal.outcome} />
      {event.heal.deployment ? (
        <>
          {" "}
          <a href={`/ui/deployments/${encodeURIComponent(event.heal.deployment)}`}>the heal</a>
        </>
      ) : null}
      {event.heal.driftAfter !== undefined ? `, ${event.heal.driftAfter} still drifted after` : ""}
    </>
  );
}

/** The events as a table; `caption` names it for screen readers. */
export function DriftTable(props: { events: readonly DriftEvent[]; caption: string }) {
  return (
    <table class="drift">
      <caption class="sr-only">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Time</th>
          <th scope="col">Checker</th>
          <th scope="col">Revision</th>
          <th scope="col">Resources changed</th>
          <th scope="col">Self-heal</th>
        </tr>
      </thead>
      <tbody>
        {props.events.map((e) => (
          <tr>
            <th scope="row">#{e.seq}</th>
            <td>
              <time datetime={e.at}>{e.at}</time>
            </td>
            <td>{e.checker}</td>
            <td>
              {e.revision} ({e.provider})
            </td>
            <td>
              <Changes event={e} />
            </td>
            <td>
              <Heal event={e} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One page of events with links to the older page and back to the newest. */
export function DriftPage(props: { base: string; page: DriftEventPage; before: number | undefined }) {
  const { page } = props;
  return (
    <>
      <p>
        <a href={props.base}>Back to the environment</a>
      </p>
      {page.events.length === 0 ? (
        <p>{props.before === undefined ? "No check has found drift." : "No older drift event."}</p>
      ) : (
        <DriftTable events={page.events} caption="Drift events, newest first" />
      )}
      {props.before !== undefined || page.next !== undefined ? (
        <nav aria-label="drift event pages" class="pager">
          {props.before !== undefined ? <a href={`${props.base}/drift`}>Newest</a> : null}
          {props.before !== undefined && page.next !== undefined ? " · " : null}
          {page.next !== undefined ? <a href={`${props.base}/drift?before=${page.next}`}>Older</a> : null}
        </nav>
      ) : null}
    </>
  );
}
