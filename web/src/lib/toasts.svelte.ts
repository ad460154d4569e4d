// Short confirmations ("Link copied") that any page can raise; the one piece of app-wide UI state besides the URL.

export interface Toast { id: number; text: string; tone: 'info' | 'success' | 'error' }

class Toasts {
  items = $state<Toast[]>([]);
  private next = 1;

  show(text: string, tone: Toast['tone'] = 'success', ms = 3500): void {
    const id = this.next++;
    this.items.push({ id, text, tone });
    setTimeout(() => this.dismiss(id), ms);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
