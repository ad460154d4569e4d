// Ranking selection: the best page of hits out of every matched document, kept in a fixed-size heap so a query
// matching most of the index costs one comparison per document, not a sort of all of them.

/** The k best (key, document) pairs seen, as a min-heap; ties go to the newer document. */
export class TopDocuments {
  private keys: Float64Array;
  private docs: Int32Array;
  private size = 0;
  constructor(private capacity: number) {
    this.keys = new Float64Array(capacity);
    this.docs = new Int32Array(capacity);
  }

  private less(i: number, j: number) {
    return this.keys[i]! < this.keys[j]! || (this.keys[i] === this.keys[j] && this.docs[i]! < this.docs[j]!);
  }

  offer(key: number, doc: number) {
    if (this.size < this.capacity) {
      let i = this.size++;
      this.keys[i] = key;
      this.docs[i] = doc;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.less(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    if (this.capacity === 0 || key < this.keys[0]! || (key === this.keys[0] && doc < this.docs[0]!)) return;
    this.keys[0] = key;
    this.docs[0] = doc;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.size && this.less(left, smallest)) smallest = left;
      if (right < this.size && this.less(right, smallest)) smallest = right;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(i: number, j: number) {
    const key = this.keys[i]!; this.keys[i] = this.keys[j]!; this.keys[j] = key;
    const doc = this.docs[i]!; this.docs[i] = this.docs[j]!; this.docs[j] = doc;
  }

  /** Best first. */
  sorted(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.size; i++) out.push([this.keys[i]!, this.docs[i]!]);
    return out.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  }
}
