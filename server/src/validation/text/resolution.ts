/**
 * Does a conversation's `resolution_status` agree with how it ends? A keyword heuristic, in English and
 * Spanish, over the last three turns (the agent's outcome and the closing exchange after it), folded to
 * lowercase without accents:
 *
 * - `escalated` needs a handover cue: escalating, a ticket or case number, a specialist/supervisor/other team,
 *   "they will contact you".
 * - `resolved` must not hand the case over (a strong handover cue: escalating, ticket, case number,
 *   specialist, supervisor) and must not end only on a can't-do cue (can't, unable, unfortunately, no puedo,
 *   lamentablemente...) without any outcome (done, fixed, good news, I've sent, listo, corregido, ya está...)
 *   or friendly close (thanks, glad, de nada, me alegra...).
 * - `unresolved` must not hand the case over, and must not say the problem was solved (an outcome cue)
 *   without any can't-do cue.
 *
 * It is deliberately lenient (a conversation is only flagged when its ending points the other way), so a
 * mismatch is a strong sign that the label and the text disagree; passing cannot prove that they agree.
 */
import { foldText } from './tokens.ts';

const cue = (words: readonly string[]) => new RegExp(`(?:^|[^a-z])(?:${words.join('|')})`, 'u');

/** Strong handover cues: their presence contradicts `resolved` and `unresolved`. */
const STRONG_HANDOVER = cue([
  'escalat',
  'ticket',
  'case number',
  'reference number',
  'specialist',
  'supervisor',
  'hand(?:ed|ing)? (?:it |this )?over',
  'handover',
  'escal',
  'numero de caso',
  'folio',
  'especialista',
  'pase el caso',
  'paso el caso',
  'derive',
  'derivado',
  'derivar',
]);

/** Every handover cue: one is required for `escalated`. */
const HANDOVER = new RegExp(
  `${STRONG_HANDOVER.source}|${
    cue([
      'passed (?:this|it|your case) (?:on )?to',
      'transferr?(?:ing|ed)? you',
      'our (?:\\w+ )?team will',
      "(?:they|team|someone)(?: will|'ll) (?:contact|call|email|get back|be in touch)",
      'contact you within',
      'get back to you',
      'te contactar',
      'le contactar',
      'lo contactar',
      'la contactar',
      'se pondra en contacto',
      'te escribir',
      'le escribir',
      'el equipo de',
      'al equipo',
      'abri (?:el|un) caso',
      'abrimos (?:el|un) caso',
      'transfer',
    ]).source
  }`,
  'u',
);

/** The problem got solved: contradicts `unresolved` unless a can't-do cue is there too. */
const OUTCOME = cue([
  'done',
  'sorted',
  'resolved',
  'fixed',
  'corrected',
  'all set',
  'good news',
  'works now',
  'working now',
  'should work now',
  "it's taken care of",
  'taken care of',
  "i've (?:sent|activated|enabled|updated|reset|refunded|unblocked|cancelled|canceled|ordered|added)",
  'listo',
  'resuelto',
  'solucionado',
  'arreglado',
  'corregido',
  'hecho',
  'buenas noticias',
  'ya funciona',
  'ya esta',
  'ya se',
  'ya (?:te|le) ',
  '(?:envie|mande|deje|active|habilite|actualice|reembolse|desbloquee|cancele|pedi|quite|cerre|restableci|devolvi)',
]);

/** The agent could not do it. */
const NEGATIVE = cue([
  "can't",
  'cannot',
  'can not',
  "couldn't",
  'could not',
  'unable',
  'not able',
  'unfortunately',
  // Plain "sorry" / "lo siento" is mostly empathy at the start of a fix, so it is no can't-do cue.
  'not possible',
  "isn't available",
  'not available',
  "doesn't allow",
  'does not allow',
  'nothing (?:i|we) can',
  "there's nothing",
  'there is nothing',
  'checked everything',
  'complaint',
  'no puedo',
  'no pude',
  'no podemos',
  'no es posible',
  'no se puede',
  'no esta disponible',
  'no permite',
  'no hay nada',
  'no veo',
  'todo lo posible',
  'lamentablemente',
  'por desgracia',
  'lamento no',
  'queja',
  'sigue sin',
]);

/** Turns the heuristic reads, from the end. */
export const RESOLUTION_TAIL_TURNS = 3;

/**
 * Null when the ending agrees with `status`, else why it does not. `turns` are the conversation's turns in
 * order. Handover and can't-do cues are read in the agent's turns only (a customer saying "I can't log in"
 * states the problem, not the outcome); outcome cues in any turn ("thanks, that's sorted"). Unknown statuses
 * are not judged (the schema check reports them).
 */
export function resolutionMismatch(
  status: string,
  turns: ReadonlyArray<{ speaker: unknown; text: string }>,
): string | null {
  if (status !== 'escalated' && status !== 'resolved' && status !== 'unresolved') return null;
  const tail = new Tail(turns);
  switch (status) {
    case 'escalated':
      return tail.agentSays(HANDOVER)
        ? null
        : 'escalated, but the agent mentions no handover or ticket';
    case 'resolved':
      if (tail.agentSays(STRONG_HANDOVER)) return 'resolved, but the agent hands the case over';
      if (tail.agentSays(NEGATIVE) && !tail.anyoneSays(OUTCOME)) {
        return "resolved, but the agent only says what can't be done";
      }
      return null;
    default:
      if (tail.agentSays(STRONG_HANDOVER)) return 'unresolved, but the agent hands the case over';
      if (tail.anyoneSays(OUTCOME) && !tail.agentSays(NEGATIVE)) {
        return 'unresolved, but the last turns say the problem was solved';
      }
      return null;
  }
}

/**
 * The last turns of a conversation, whose cues are tested turn by turn: no cue spans a line break and a turn's
 * start counts as the start of a word, so a cue answers here as it would on the turns joined by line breaks.
 * Each turn is folded once, and a customer's only when a cue read in every turn is asked for: the validation
 * runs this on every item of a dataset, and joining and folding the tail twice was most of its cost.
 */
class Tail {
  private readonly from: number;
  private readonly folded: (string | undefined)[] = new Array(RESOLUTION_TAIL_TURNS);

  constructor(private readonly turns: ReadonlyArray<{ speaker: unknown; text: string }>) {
    this.from = Math.max(0, turns.length - RESOLUTION_TAIL_TURNS);
  }

  private text(i: number): string {
    const at = i - this.from;
    let folded = this.folded[at];
    if (folded === undefined) {
      folded = foldText(this.turns[i]!.text);
      this.folded[at] = folded;
    }
    return folded;
  }

  agentSays(cue: RegExp): boolean {
    for (let i = this.from; i < this.turns.length; i++) {
      if (this.turns[i]!.speaker === 'agent' && cue.test(this.text(i))) return true;
    }
    return false;
  }

  anyoneSays(cue: RegExp): boolean {
    for (let i = this.from; i < this.turns.length; i++) if (cue.test(this.text(i))) return true;
    return false;
  }
}
