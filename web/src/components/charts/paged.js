// One page of a list the API returns whole (honor lists, the review queue, users): the page's
// rows, for a Pager next to the table, so a long list never draws thousands of rows.
import { computed, ref, watch } from "vue";

export function usePaged(rows, size = 20) {
  const page = ref(1);
  const pageSize = ref(size);
  const shown = computed(() => rows.value.slice((page.value - 1) * pageSize.value, page.value * pageSize.value));
  const total = computed(() => rows.value.length);
  watch(total, () => { if ((page.value - 1) * pageSize.value >= total.value) page.value = 1; });
  return { page, pageSize, shown, total };
}
