import { Button, toast, usePrompt } from "@medusajs/ui"
import { useMutation, useQueryClient } from "@tanstack/react-query"
import { QUERY_KEY, errorText } from "../lib/queries"
import { sdk } from "../lib/sdk"
import type { RunAnswer } from "../lib/types"

/** The whole job now (CALL cart_abandon_run), after the admin confirms: it sends reminders. */
export const RunNow = () => {
  const prompt = usePrompt()
  const queryClient = useQueryClient()
  const run = useMutation({
    mutationFn: () => sdk.client.fetch<RunAnswer>("/admin/cart-abandonment/process", { method: "POST", body: {} }),
    onSuccess: (answer) => {
      toast.success(answer.run ? `Run #${answer.run.id}: ${answer.run.status}` : "Run finished", {
        description: answer.summary ?? undefined,
      })
      for (const warning of answer.warnings) toast.warning("Warning", { description: warning })
    },
    onError: (error) => toast.error("The run failed", { description: errorText(error) }),
    // A failed run may have sent a part: refresh either way.
    onSettled: () => queryClient.invalidateQueries({ queryKey: [QUERY_KEY] }),
  })
  const confirmAndRun = async () => {
    const confirmed = await prompt({
      title: "Run the job now?",
      description: "Reminders that are due are sent now, as the scheduled run would send them.",
      confirmText: "Run now",
      cancelText: "Cancel",
    })
    if (confirmed) run.mutate()
  }
  return (
    <Button size="small" isLoading={run.isPending} onClick={confirmAndRun} data-testid="run-now">
      Run now
    </Button>
  )
}
