/** Makes every abstract-level iterator that dynalite opens closable the way dynalite closes it. */
export function closeIteratorsOnReturn(): void;
