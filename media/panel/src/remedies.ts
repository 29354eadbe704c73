// The overfitting advice's buttons: one per edit of the .model file the host offers (the
// language service's remedies: add EarlyStopping, insert Dropout), each posting `applyRemedy`
// when clicked (main.ts listens for clicks on [data-remedy]); after one is applied, what it did.

import type { RemedyOffer } from './messages';

const LABELS: Record<RemedyOffer['id'], string> = {
  'early-stopping': 'Add EarlyStopping',
  dropout: 'Add Dropout',
};

/** Appends the buttons (and the last applied remedy's words) to the advice note. */
export function appendRemedies(note: HTMLElement, offers: readonly RemedyOffer[], applied?: string): void {
  if (!offers.length && !applied) return;
  const row = document.createElement('span');
  row.className = 'remedies';
  for (const offer of offers) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'remedy';
    button.dataset.remedy = offer.id;
    button.textContent = LABELS[offer.id];
    button.title = offer.title;
    row.append(' ', button);
  }
  if (applied) {
    const done = document.createElement('span');
    done.className = 'remedy-applied';
    done.textContent = ` ${applied}`;
    row.append(done);
  }
  note.append(row);
}

/** The remedy a click asks for, when it was on one of the buttons. */
export function clickedRemedy(target: EventTarget | null): RemedyOffer['id'] | undefined {
  const button = target instanceof Element ? target.closest<HTMLElement>('button[data-remedy]') : null;
  const id = button?.dataset.remedy;
  return id === 'early-stopping' || id === 'dropout' ? id : undefined;
}
