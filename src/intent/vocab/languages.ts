/**
 * Function words of the languages a request may be written in: how a
 * request's language is told ("la", "avec", "und" are never technical
 * words), and words that never name an app ("Despliega la app").
 */

export const FUNCTION_WORDS: Readonly<Record<string, ReadonlySet<string>>> = {
  French: set(
    "le la les un une des du au aux et avec pour sur dans est sont sans cette ces mon ma mes nous vous en je il elle mais ou l' d' qu' c' j' n' s'",
  ),
  Spanish: set(
    "el la los las un una unos unas y con para por en del al es son sin pero mi mis su sus nuestra nuestro",
  ),
  German: set(
    "der die das den dem des ein eine einer einem einen und mit für auf ist sind bitte nicht ohne zu im am vom zum zur sie wir ich",
  ),
  Italian: set("il lo gli le un una uno con per su nel nella della delle del di che non sono è alla al"),
  Portuguese: set("os as um uma com para em no na do da dos das não é são ao à pelo pela"),
  Dutch: set("de het een en met voor op van is zijn niet graag naar"),
};

/** Languages whose deployment words the lexicon knows (see lexicon.ts FOREIGN). */
export const READ_LANGUAGES: ReadonlySet<string> = new Set(["French", "Spanish", "German"]);

export const ENGLISH_FUNCTION_WORDS = set(
  "the a an and with to in on for of is are be it this that my our your please me us we i need want should can will from into at by as or but not no",
);

/** Every foreign function word: none of them names an app or a service. */
export const FOREIGN_FUNCTION_WORDS: ReadonlySet<string> = new Set(
  Object.values(FUNCTION_WORDS).flatMap((words) => [...words].filter((w) => !ENGLISH_FUNCTION_WORDS.has(w))),
);

function set(text: string): ReadonlySet<string> {
  return new Set(text.split(/\s+/).filter(Boolean));
}
