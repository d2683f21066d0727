// Answers of the view's other reads (performance details, segments), cached by what was asked until Refresh,
// so moving between panels or bins never asks twice; a failed answer is not kept, so asking again retries it.

export class AnswerCache {
  private readonly answers = new Map<string, Promise<unknown>>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.answers.get(key) as Promise<T> | undefined;
    if (cached) return cached;
    const promise = load();
    promise.catch(() => {
      if (this.answers.get(key) === promise) this.answers.delete(key);
    });
    this.answers.set(key, promise);
    return promise;
  }

  clear(): void {
    this.answers.clear();
  }
}
