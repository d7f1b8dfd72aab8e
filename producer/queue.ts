/** FIFO with O(1) shift (Array#shift is O(n)). */
export class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T {
    return this.items[this.head] as T;
  }
  shift(): T {
    const item = this.items[this.head] as T;
    this.items[this.head++] = undefined; // do not keep what was handed out alive
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
