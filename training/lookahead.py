"""Lookahead (Zhang et al., 2019) around any optimizer: RAdam inside it is 'Ranger'.

Every k inner steps the slow weights move toward the fast ones,
    slow <- slow + alpha * (fast - slow),
and the fast weights restart from the slow ones. Evaluate and save the slow weights.
"""
import torch


class Lookahead:
    def __init__(self, inner, k=5, alpha=0.8):
        self.inner, self.k, self.alpha = inner, k, alpha
        self.param_groups = inner.param_groups
        self.steps = 0
        self.slow = [p.detach().clone() for g in self.param_groups for p in g["params"]]

    def _params(self):
        return [p for g in self.param_groups for p in g["params"]]

    def zero_grad(self, set_to_none=True):
        self.inner.zero_grad(set_to_none=set_to_none)

    @torch.no_grad()
    def step(self):
        self.inner.step()
        self.steps += 1
        if self.steps % self.k == 0:
            for p, s in zip(self._params(), self.slow):
                s.add_(p - s, alpha=self.alpha)
                p.copy_(s)

    @torch.no_grad()
    def swap_slow(self):
        """Exchange fast and slow weights in place (call twice to undo): used to
        evaluate or save the slow weights mid-cycle."""
        for p, s in zip(self._params(), self.slow):
            tmp = p.detach().clone()
            p.copy_(s)
            s.copy_(tmp)

    def state_dict(self):
        return {"inner": self.inner.state_dict(), "slow": self.slow, "steps": self.steps,
                "k": self.k, "alpha": self.alpha}

    def load_state_dict(self, sd):
        self.inner.load_state_dict(sd["inner"])
        self.steps = sd["steps"]
        for s, t in zip(self.slow, sd["slow"]):
            s.copy_(t)
